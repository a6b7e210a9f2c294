package io.imagebuilder.glance.internal;

import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlanceInternalsTest {

    @Test
    void identityUrlGetsV3Once() {
        assertEquals("http://k:5000/v3", KeystoneAuth.identityV3("http://k:5000"));
        assertEquals("http://k:5000/v3", KeystoneAuth.identityV3("http://k:5000/v3/"));
        assertEquals("https://k/identity/v3", KeystoneAuth.identityV3(" https://k/identity/v3 "));
    }

    @Test
    void imageUrlGetsV2Once() {
        Secret t = Secret.of("tok");
        assertEquals(URI.create("http://g:9292/v2/images/x/file"),
                new GlanceAccess(URI.create("http://g:9292/"), t, "p1").v2("images/x/file"));
        assertEquals(URI.create("https://c/image/v2/images"),
                new GlanceAccess(URI.create("https://c/image/v2/"), t, "p1").v2("images"));
    }

    private static OpenStackCredentials creds(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("OS_AUTH_URL", "http://k/v3", "OS_USERNAME", "u",
                "OS_PASSWORD", "p", "OS_PROJECT_NAME", "pr"));
        env.putAll(extra);
        return OpenStackCredentials.fromEnvironment(env);
    }

    private static final List<KeystoneAuth.CatalogEntry> CATALOG = List.of(
            new KeystoneAuth.CatalogEntry("identity", "public", "R1", "http://k/v3"),
            new KeystoneAuth.CatalogEntry("image", "internal", "R1", "http://internal-r1:9292"),
            new KeystoneAuth.CatalogEntry("image", "public", "R1", "http://public-r1:9292"),
            new KeystoneAuth.CatalogEntry("image", "public", "R2", "http://public-r2:9292"));

    @Test
    void catalogPickHonoursInterfaceAndRegion() {
        assertEquals(URI.create("http://public-r1:9292"), KeystoneAuth.pick(CATALOG, creds(Map.of())));
        assertEquals(URI.create("http://public-r2:9292"),
                KeystoneAuth.pick(CATALOG, creds(Map.of("OS_REGION_NAME", "R2"))));
        assertEquals(URI.create("http://internal-r1:9292"),
                KeystoneAuth.pick(CATALOG, creds(Map.of("OS_INTERFACE", "internal"))));
        GlancePublishException e = assertThrows(GlancePublishException.class, () -> KeystoneAuth.pick(CATALOG,
                creds(Map.of("OS_INTERFACE", "admin", "OS_REGION_NAME", "R2"))));
        assertEquals("authenticate", e.step());
        assertTrue(e.getMessage().contains("interface admin in region R2"), e.getMessage());
    }

    @Test
    void errorBodiesAreSummarisedOnOneLine() {
        assertEquals("The request you have made requires authentication.", GlanceClient.summary(
                "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\"}}"));
        String html = GlanceClient.summary("<html>\n <head>\n  <title>409 Conflict</title>\n </head>\n"
                + " <body>Image with identifier x already exists.</body></html>");
        assertEquals("409 Conflict Image with identifier x already exists.", html);
        assertEquals("(empty body)", GlanceClient.summary(""));
        assertTrue(GlanceClient.summary("x".repeat(1000)).length() < 310);
    }
}
