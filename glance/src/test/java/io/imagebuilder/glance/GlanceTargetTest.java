package io.imagebuilder.glance;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a build learns of a Glance target before it publishes: where it goes, and what to mask. */
class GlanceTargetTest {

    @Test
    void namesTheCloudAndProjectAndHandsOverItsSecretsToMask() {
        GlanceTarget password = GlanceTarget.of(OpenStackCredentials.fromEnvironment(Map.of(
                "OS_AUTH_URL", "http://k/v3", "OS_USERNAME", "u", "OS_PASSWORD", "pw-123", "OS_PROJECT_NAME", "pr")));
        assertEquals("OpenStack http://k/v3 (project pr)", password.describe());
        assertEquals(List.of("pw-123"), password.secrets());

        GlanceTarget appCredential = GlanceTarget.of(OpenStackCredentials.fromEnvironment(Map.of(
                "OS_AUTH_URL", "http://k/v3", "OS_APPLICATION_CREDENTIAL_ID", "id-1",
                "OS_APPLICATION_CREDENTIAL_SECRET", "app-secret-9")));
        assertEquals(List.of("app-secret-9"), appCredential.secrets());
        assertFalse(appCredential.describe().contains("app-secret-9"), appCredential.describe());
    }
}
