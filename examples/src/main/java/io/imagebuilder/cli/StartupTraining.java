package io.imagebuilder.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagebuilder.glance.GlancePublisher;
import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.template.Publish;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run once per build by {@code build-image} under {@code -XX:ArchiveClassesAtExit}, so that later commands map
 * the classes they load from that archive instead of reading and verifying them again (JDK class data sharing:
 * loading classes is much of a short command's start-up). It loads what commands load: picocli and the templates
 * (a plan of the bundled templates), and a whole publish (openstack4j, Jackson, HttpURLConnection, the upload and
 * its native digests) of a 3-byte file to a stand-in Keystone + Glance on a loopback port of this process: nothing
 * leaves the machine.
 */
public final class StartupTraining {

    /** md5 and sha512 of "abc", the file published. */
    private static final String IMAGE = "{\"id\": \"img-1\", \"name\": \"training\", \"status\": \"%s\","
            + " \"protected\": false, \"size\": 3, \"checksum\": \"900150983cd24fb0d6963f7d28e17f72\","
            + " \"os_hash_algo\": \"sha512\", \"os_hash_value\": \"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea2"
            + "0a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"}";

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        BuildImage.run("plan");
        HttpServer cloud = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        String base = "http://127.0.0.1:" + cloud.getAddress().getPort();
        cloud.createContext("/", ex -> answer(ex, base));
        cloud.start();
        Path file = Files.createTempFile("imagebuilder-training", ".raw");
        try {
            Files.writeString(file, "abc");
            new GlancePublisher().publish(file, Publish.named("training"), OpenStackCredentials.fromEnvironment(
                    Map.of("OS_AUTH_URL", base + "/v3", "OS_USERNAME", "training", "OS_PASSWORD", "training",
                            "OS_PROJECT_NAME", "training")));
        } finally {
            Files.delete(file);
            cloud.stop(0);
        }
    }

    /** Only what one publish asks, as Keystone and Glance answer it. */
    private static void answer(HttpExchange ex, String base) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String request = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            switch (request) {
                case "POST /v3/auth/tokens" -> {
                    ex.getResponseHeaders().add("X-Subject-Token", "training");
                    reply(ex, 201, "{\"token\": {\"methods\": [\"password\"], \"expires_at\":"
                            + " \"2099-01-01T00:00:00.000000Z\", \"project\": {\"id\": \"p\", \"name\": \"training\","
                            + " \"domain\": {\"id\": \"default\", \"name\": \"Default\"}}, \"user\": {\"id\": \"u\","
                            + " \"name\": \"training\", \"domain\": {\"id\": \"default\", \"name\": \"Default\"}},"
                            + " \"catalog\": [{\"type\": \"image\", \"name\": \"glance\", \"endpoints\": [{\"id\":"
                            + " \"e\", \"interface\": \"public\", \"region_id\": \"R\", \"region\": \"R\", \"url\": \""
                            + base + "\"}]}]}}");
                }
                case "POST /v2/images" -> reply(ex, 201, IMAGE.formatted("queued"));
                case "PUT /v2/images/img-1/file" -> ex.sendResponseHeaders(204, -1);
                case "GET /v2/images/img-1" -> reply(ex, 200, IMAGE.formatted("active"));
                default -> reply(ex, 404, "{\"message\": \"not part of the training: " + request + "\"}");
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
