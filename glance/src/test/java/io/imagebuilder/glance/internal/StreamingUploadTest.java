package io.imagebuilder.glance.internal;

import com.sun.net.httpserver.HttpServer;
import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PUT of a file against a local server: what arrives, what is hashed, what a refusal says. */
class StreamingUploadTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile String answer = "";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(ex.getRequestBody().readAllBytes());
            headers.add(ex.getRequestHeaders().getFirst("X-auth-token") + " "
                    + ex.getRequestHeaders().getFirst("Content-length"));
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length == 0 ? -1 : 0); // a body goes chunked
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StreamingUpload.Digests put(Path file) {
        GlanceAccess access = new GlanceAccess(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Secret.of("tok-1"), "p1");
        return StreamingUpload.put(access, "img-1", file, new StepContext("t", dir, e -> { }, new Cancellation(),
                new SecretMasker()));
    }

    @Test
    void theFileArrivesAsItIsAndItsDigestsAreWhatWasSent() throws Exception {
        byte[] data = new byte[(5 << 20) + 12_345]; // several chunks, the last one partial
        new Random(3).nextBytes(data);
        Path file = Files.write(dir.resolve("image.raw"), data);
        StreamingUpload.Digests d = put(file);
        assertArrayEquals(data, bodies.get(0));
        assertEquals(List.of("tok-1 " + data.length), headers);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)), d.md5());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data)), d.sha512());
        assertEquals(data.length, d.size());
    }

    @Test
    void aRefusalNamesTheStatusAndGlancesMessage() throws Exception {
        status = 413;
        answer = "{\"title\": \"Request Entity Too Large\", \"message\": \"Image exceeds the storage quota\"}";
        Path file = Files.writeString(dir.resolve("image.raw"), "abc");
        GlancePublishException e = assertThrows(GlancePublishException.class, () -> put(file));
        assertEquals(413, e.httpStatus().orElse(0));
        assertTrue(e.getMessage().contains("HTTP 413 Image exceeds the storage quota"), e.getMessage());
    }
}
