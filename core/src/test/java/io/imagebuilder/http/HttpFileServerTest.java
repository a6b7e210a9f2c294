package io.imagebuilder.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real HTTP requests against the server on loopback. */
class HttpFileServerTest {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private HttpResponse<String> get(HttpFileServer s, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Path httpDir() throws IOException {
        Path http = Files.createDirectories(dir.resolve("http"));
        Files.writeString(http.resolve("hello.txt"), "hello");
        Files.createDirectories(http.resolve("sub"));
        Files.writeString(http.resolve("sub/inner.sh"), "#!/bin/sh\n");
        Files.writeString(dir.resolve("secret.txt"), "outside");
        return http;
    }

    @Test
    void servesFilesAndGeneratedContentAndLogsEveryRequest() throws Exception {
        Path http = httpDir();
        try (HttpFileServer s = HttpFileServer.startOnLoopback(http,
                Map.of("preseed.cfg", "d-i passwd/root-password password x".getBytes(StandardCharsets.UTF_8)),
                log::add)) {
            assertTrue(s.port() >= 8000 && s.port() <= 9000, "Packer's default range");
            assertEquals("127.0.0.1", s.hostAddress());
            assertEquals("hello", get(s, "/hello.txt").body());
            assertEquals("#!/bin/sh\n", get(s, "/sub/inner.sh").body());
            HttpResponse<String> preseed = get(s, "/preseed.cfg");
            assertEquals(200, preseed.statusCode());
            assertTrue(preseed.body().startsWith("d-i passwd"));
            assertEquals(404, get(s, "/missing").statusCode());
            assertTrue(s.awaitRequest("preseed.cfg", Duration.ofSeconds(1)).isPresent());
            assertTrue(s.awaitRequest("/never.cfg", Duration.ofMillis(50)).isEmpty());
            assertEquals(4, s.requests().size());
            assertTrue(log.stream().anyMatch(l -> l.contains("GET /preseed.cfg -> 200")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.contains("GET /missing -> 404")), log.toString());
        }
    }

    @Test
    void refusesTraversalSymlinksOutAndListings() throws Exception {
        Path http = httpDir();
        Files.createSymbolicLink(http.resolve("escape.txt"), dir.resolve("secret.txt"));
        try (HttpFileServer s = HttpFileServer.startOnLoopback(http, Map.of(), log::add)) {
            assertEquals(403, get(s, "/sub").statusCode(), "no directory listing");
            assertEquals(404, get(s, "/").statusCode(), "no index");
            assertEquals(403, get(s, "/escape.txt").statusCode(), "symlink out of the folder");
            assertEquals(403, get(s, "/%2e%2e/secret.txt").statusCode(), "encoded ..");
            // a raw ../ that no client would normalise: write the request by hand
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
                socket.getOutputStream().write(("GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 403") || answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(!answer.contains("outside"), answer);
            }
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.port() + "/hello.txt"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void takesTheNextFreePortAndFreesItOnClose() throws Exception {
        Path http = httpDir();
        int port;
        try (HttpFileServer a = HttpFileServer.startOnLoopback(http, Map.of(), log::add);
             HttpFileServer b = HttpFileServer.startOnLoopback(http, Map.of(), log::add)) {
            assertNotEquals(a.port(), b.port());
            port = a.port();
        }
        try (HttpFileServer c = HttpFileServer.start(InetAddress.getLoopbackAddress(), port, port, http, Map.of(),
                log::add)) {
            assertEquals(port, c.port(), "closed server released its port");
        }
    }

    @Test
    void failsClearlyWhenTheRangeIsFull() throws Exception {
        Path http = httpDir();
        try (HttpFileServer a = HttpFileServer.startOnLoopback(http, Map.of(), log::add)) {
            IOException e = assertThrows(IOException.class, () -> HttpFileServer.start(
                    InetAddress.getLoopbackAddress(), a.port(), a.port(), http, Map.of(), log::add));
            assertTrue(e.getMessage().contains("no free port"), e.getMessage());
        }
        assertThrows(IOException.class, () -> HttpFileServer.startOnLoopback(dir.resolve("nope"), Map.of(),
                log::add));
    }
}
