package io.imagebuilder.glance.internal;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.core.transport.internal.HttpExecutor;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** openstack4j's own Keystone v3 authentication, carried by our connector, against a local server. */
class JdkHttpConnectorTest {

    private static final String TOKEN = "{\"token\": {\"methods\": [\"password\"], \"expires_at\":"
            + " \"2099-01-01T00:00:00.000000Z\", \"project\": {\"id\": \"p-1\", \"name\": \"demo\", \"domain\":"
            + " {\"id\": \"default\", \"name\": \"Default\"}}, \"user\": {\"id\": \"u-1\", \"name\": \"alice\","
            + " \"domain\": {\"id\": \"default\", \"name\": \"Default\"}}, \"catalog\": [{\"type\": \"image\","
            + " \"name\": \"glance\", \"endpoints\": [{\"id\": \"e-1\", \"interface\": \"public\", \"region_id\":"
            + " \"R1\", \"region\": \"R1\", \"url\": \"http://glance.example:9292\"}]}]}}";

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile int status = 201;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                received.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                        + ex.getRequestHeaders().getFirst("Content-Type") + " "
                        + ex.getRequestHeaders().containsKey("OS4J-Auth-Command") + " "
                        + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                byte[] body = (status == 201 ? TOKEN : "{\"error\": {\"code\": 401, \"message\":"
                        + " \"The request you have made requires authentication.\"}}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("X-Subject-Token", "tok-1");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OSClient.OSClientV3 authenticate() {
        return OSFactory.builderV3().endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/v3")
                .credentials("alice", "pw-1", Identifier.byName("Default"))
                .scopeToProject(Identifier.byName("demo"), Identifier.byName("Default")).authenticate();
    }

    @Test
    void openstack4jPicksThisConnector() {
        assertEquals("imagebuilder JDK HttpURLConnection", HttpExecutor.create().getExecutorName());
    }

    @Test
    void aPasswordAuthenticationSendsOpenstack4jsRequestAndReadsTheTokenAndCatalog() {
        OSClient.OSClientV3 os = authenticate();
        assertEquals("tok-1", os.getToken().getId());
        assertEquals("p-1", os.getToken().getProject().getId());
        assertEquals("http://glance.example:9292",
                os.getToken().getCatalog().get(0).getEndpoints().get(0).getUrl().toString());
        assertEquals(1, received.size(), received.toString());
        String request = received.get(0).replaceAll("\\s+", ""); // openstack4j indents its JSON
        assertTrue(request.startsWith("POST/v3/auth/tokensapplication/jsonfalse{"), request);
        assertTrue(request.contains("\"name\":\"alice\"") && request.contains("\"password\":\"pw-1\""), request);
    }

    @Test
    void aRefusalReachesOpenstack4jWithItsStatus() {
        status = 401;
        AuthenticationException e = assertThrows(AuthenticationException.class, this::authenticate);
        assertEquals(401, e.getStatus());
        assertFalse(String.valueOf(e.getMessage()).contains("pw-1"), e.getMessage());
    }
}
