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

/**
 * Small JSON requests. HttpURLConnection, because java.net.http costs over a second of start-up (measured in a
 * fresh JVM on a busy machine) for a handful of requests; java.net.http only for PATCH, which
 * HttpURLConnection refuses.
 */
final class Http {

    static final int TIMEOUT_MS = 60_000;

    private Http() {
    }

    record Response(int status, String body, String subjectToken) {
    }

    /** Sends a request; {@code token} (X-Auth-Token), {@code contentType} and {@code body} may be null. */
    static Response send(String method, URI uri, String token, String contentType, String body)
            throws IOException, InterruptedException {
        if (method.equals("PATCH")) {
            return patch(uri, token, contentType, body);
        }
        HttpURLConnection con = (HttpURLConnection) uri.toURL().openConnection();
        try {
            con.setRequestMethod(method);
            con.setConnectTimeout(TIMEOUT_MS);
            con.setReadTimeout(TIMEOUT_MS);
            con.setRequestProperty("Accept", "application/json");
            if (token != null) {
                con.setRequestProperty("X-Auth-Token", token);
            }
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
            return new Response(status, text, con.getHeaderField("X-Subject-Token"));
        } finally {
            con.disconnect();
        }
    }

    private static Response patch(URI uri, String token, String contentType, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = PatchClient.CLIENT.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(TIMEOUT_MS)).header("X-Auth-Token", token)
                .header("Content-Type", contentType).method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), null);
    }

    /** Created on first PATCH only (only protected images need one). */
    private static final class PatchClient {
        static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build();
    }
}
