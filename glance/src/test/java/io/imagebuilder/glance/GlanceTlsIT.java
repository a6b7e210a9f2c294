package io.imagebuilder.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebuilder.glance.internal.GlanceAccess;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Publish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture's Keystone and Glance behind TLS with a CA made here (TLS fronts on loopback, and a catalog region
 * whose image endpoint is the Glance front): reached with OS_CACERT, refused without it with an error that says
 * what to set, and reached with OS_INSECURE.
 */
class GlanceTlsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TlsFront keystone;
    private static TlsFront glance;
    private static GlanceAccess admin;
    private static String region;
    private static String endpointId;

    @BeforeAll
    static void startTlsFronts() throws Exception {
        OpenStackFixture.ensureRunning();
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days",
                "1", "-subj", "/CN=imagebuilder test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1");
        Files.writeString(dir.resolve("ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "1", "-extfile", "ext");
        openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-out", "server.p12", "-passout",
                "pass:test");
        URI plainKeystone = URI.create(OpenStackFixture.openrc().get("OS_AUTH_URL"));
        admin = OpenStackFixture.access();
        keystone = new TlsFront(dir.resolve("server.p12"), "test".toCharArray(), plainKeystone.getPort());
        glance = new TlsFront(dir.resolve("server.p12"), "test".toCharArray(), admin.imageEndpoint().getPort());

        // a region of the catalog in which Glance is the TLS front
        region = "tls-" + UUID.randomUUID().toString().substring(0, 8);
        String identity = plainKeystone.toString().replaceAll("/+$", "");
        String imageService = keystoneApi("GET", identity + "/services?type=image", null).path("services").get(0)
                .path("id").asText();
        keystoneApi("POST", identity + "/regions", Map.of("region", Map.of("id", region)));
        endpointId = keystoneApi("POST", identity + "/endpoints", Map.of("endpoint", Map.of("service_id",
                imageService, "interface", "public", "region_id", region, "url", "https://127.0.0.1:"
                        + glance.port()))).path("endpoint").path("id").asText();
    }

    @AfterAll
    static void removeTheRegion() throws Exception {
        String identity = OpenStackFixture.openrc().get("OS_AUTH_URL").replaceAll("/+$", "");
        if (endpointId != null) {
            keystoneApi("DELETE", identity + "/endpoints/" + endpointId, null);
            keystoneApi("DELETE", identity + "/regions/" + region, null);
        }
        if (keystone != null) {
            keystone.close();
            glance.close();
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(OpenStackFixture.openrc());
        env.put("OS_AUTH_URL", "https://127.0.0.1:" + keystone.port() + "/v3");
        env.put("OS_REGION_NAME", region);
        return env;
    }

    @Test
    void publishesThroughTlsWithTheSitesCa() throws Exception {
        Map<String, String> env = env();
        env.put("OS_CACERT", dir.resolve("ca.pem").toString());
        GlanceTarget target = GlanceTarget.of(OpenStackCredentials.fromEnvironment(env));
        target.checkCredentials();
        Path file = Files.write(dir.resolve("tls.raw"), new byte[1 << 20]);
        String name = "imagebuilder-tls-it";
        try {
            PublishTarget.PublishedImage image = new GlancePublisher().publish(file, Publish.named(name),
                    target.credentials());
            assertEquals("active", OpenStackFixture.glance().get("check", image.id()).status());
        } finally {
            OpenStackFixture.deleteAll(name);
        }
    }

    @Test
    void withoutTheCaTheCertificateIsRefusedWithWhatToSet() {
        GlancePublishException e = assertThrows(GlancePublishException.class,
                () -> new GlancePublisher().checkCredentials(OpenStackCredentials.fromEnvironment(env())));
        assertTrue(e.getMessage().contains("cannot reach Keystone https://127.0.0.1:" + keystone.port())
                && e.getMessage().contains("TLS certificate is not trusted") && e.getMessage().contains("OS_CACERT"),
                e.getMessage());
        assertTrue(!e.getMessage().contains(OpenStackFixture.openrc().get("OS_PASSWORD")), e.getMessage());
    }

    @Test
    void insecureSkipsTheCheck() {
        Map<String, String> env = env();
        env.put("OS_INSECURE", "true");
        new GlancePublisher().checkCredentials(OpenStackCredentials.fromEnvironment(env));
    }

    private static JsonNode keystoneApi(String method, String url, Object body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token",
                admin.token().reveal()).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        HttpResponse<String> answer = OpenStackFixture.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + ": HTTP " + answer.statusCode() + " "
                    + answer.body());
        }
        return answer.body().isEmpty() ? JSON.nullNode() : JSON.readTree(answer.body());
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + ": " + out);
        }
    }
}
