package io.imagebuilder.glance.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small JSON requests: ours to Glance, and openstack4j's to Keystone (through {@link JdkHttpConnector}).
 * HttpURLConnection, because java.net.http's start-up costs a short-lived JVM far more than a handful of
 * requests are worth; java.net.http only for PATCH, which HttpURLConnection refuses.
 */
final class Http {

    static final int TIMEOUT_MS = 60_000;

    private Http() {
    }

    /** A whole answer; {@code headers} ignore case. */
    record Response(int status, String message, String body, Map<String, String> headers) {

        /** The value of a header, or null. */
        String header(String name) {
            return headers.get(name);
        }
    }

    /** Sends a request with an X-Auth-Token (if {@code token} is not null) and a body (if not null). */
    static Response send(Transport transport, String method, URI uri, String token, String contentType, String body)
            throws IOException, InterruptedException {
        return send(transport, method, uri, token == null ? Map.of() : Map.of("X-Auth-Token", token), contentType,
                body);
    }

    /** Sends a request; {@code contentType} and {@code body} may be null. */
    static Response send(Transport transport, String method, URI uri, Map<String, String> headers,
                         String contentType, String body) throws IOException, InterruptedException {
        if (method.equals("PATCH")) {
            return patch(transport, uri, headers, contentType, body);
        }
        HttpURLConnection con = transport.open(uri);
        try {
            con.setRequestMethod(method);
            con.setConnectTimeout(TIMEOUT_MS);
            con.setReadTimeout(TIMEOUT_MS);
            con.setRequestProperty("Accept", "application/json");
            headers.forEach(con::setRequestProperty);
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                con.setDoOutput(true);
                con.setFixedLengthStreamingMode(bytes.length);
                con.setRequestProperty("Content-Type", contentType);
                try (OutputStream out = con.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = con.getResponseCode();
            InputStream in = status >= 400 ? con.getErrorStream() : con.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, con.getResponseMessage(), text, headers(con.getHeaderFields()));
        } finally {
            con.disconnect();
        }
    }

    private static Response patch(Transport transport, URI uri, Map<String, String> headers, String contentType,
                                  String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(TIMEOUT_MS))
                .header("Content-Type", contentType).method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpClient client = transport.client().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();
        HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), "", r.body(), headers(r.headers().map()));
    }

    /** The first value of each header; the status line (a null name for HttpURLConnection) left out. */
    private static Map<String, String> headers(Map<String, List<String>> all) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        all.forEach((name, values) -> {
            if (name != null && !values.isEmpty()) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }
}
