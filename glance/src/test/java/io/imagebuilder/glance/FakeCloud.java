package io.imagebuilder.glance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keystone (application credentials) and Glance v2 on one loopback port, answering only what a publish
 * sends, for the failures a real Glance cannot be made to show on demand: a wrong checksum, a token that
 * expires mid-publish, a Glance that stops reading the upload. {@link #requests} records what was asked.
 */
final class FakeCloud implements AutoCloseable {

    /** What the fake does differently from a well-behaved cloud. */
    enum Fault { WRONG_CHECKSUM, TOKEN_EXPIRES_AFTER_UPLOAD, STALLS_UPLOAD }

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Fault fault;
    private final AtomicInteger tokens = new AtomicInteger();
    private volatile long received;

    FakeCloud(Fault fault) throws IOException {
        this.fault = fault;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-cloud");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String authUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v3";
    }

    Map<String, String> environment() {
        return Map.of("OS_AUTH_URL", authUrl(), "OS_AUTH_TYPE", "v3applicationcredential",
                "OS_APPLICATION_CREDENTIAL_ID", "app-1", "OS_APPLICATION_CREDENTIAL_SECRET", "app-s3cret");
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
        requests.add(method + " " + path + (token == null ? "" : " " + token));
        try (ex) {
            if (method.equals("POST") && path.equals("/v3/auth/tokens")) {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().add("X-Subject-Token", "tok-" + tokens.incrementAndGet());
                reply(ex, 201, "{\"token\": {\"project\": {\"id\": \"p1\"}, \"catalog\": [{\"type\": \"image\","
                        + " \"endpoints\": [{\"interface\": \"public\", \"region_id\": \"R1\", \"url\": \"http://127.0.0.1:"
                        + server.getAddress().getPort() + "/image\"}]}]}}");
            } else if (fault == Fault.TOKEN_EXPIRES_AFTER_UPLOAD && "tok-1".equals(token) && received > 0) {
                reply(ex, 401, "{\"error\": {\"message\": \"The request you have made requires authentication.\"}}");
            } else if (method.equals("POST") && path.equals("/image/v2/images")) {
                ex.getRequestBody().readAllBytes();
                reply(ex, 201, image("queued"));
            } else if (method.equals("PUT") && path.equals("/image/v2/images/img-1/file")) {
                if (fault == Fault.STALLS_UPLOAD) {
                    sleep(60_000); // reads nothing: the client's writes block once the socket buffers are full
                    return;
                }
                try (InputStream in = ex.getRequestBody()) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        received += n;
                    }
                }
                ex.sendResponseHeaders(204, -1);
            } else if (method.equals("GET") && path.equals("/image/v2/images/img-1")) {
                reply(ex, 200, image("active"));
            } else if (method.equals("DELETE") && path.equals("/image/v2/images/img-1")) {
                ex.sendResponseHeaders(204, -1);
            } else {
                reply(ex, 404, "{\"message\": \"not faked: " + method + " " + path + "\"}");
            }
        }
    }

    /** md5 and sha512 of the 3 bytes "abc", the file the tests publish; WRONG_CHECKSUM spoils the md5. */
    private String image(String status) {
        String md5 = fault == Fault.WRONG_CHECKSUM ? "00000000000000000000000000000000"
                : "900150983cd24fb0d6963f7d28e17f72";
        return "{\"id\": \"img-1\", \"name\": \"fake\", \"status\": \"" + status + "\", \"protected\": false,"
                + " \"size\": " + (status.equals("active") ? received : 0) + ", \"checksum\": \"" + md5 + "\","
                + " \"os_hash_algo\": \"sha512\", \"os_hash_value\": \"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea2"
                + "0a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"}";
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
