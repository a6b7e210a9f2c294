package io.imagebuilder.glance;

import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget.PublishedImage;
import io.imagebuilder.template.Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures a real Glance cannot be made to show on demand, against {@link FakeCloud}. The real Keystone +
 * Glance tests are GlancePublisherIT and GlanceFailureIT.
 */
class GlanceFaultsTest {

    @TempDir
    Path dir;

    private final GlancePublisher publisher = new GlancePublisher(Duration.ofSeconds(10), Duration.ofSeconds(5));

    private Path abc() throws Exception {
        return Files.writeString(dir.resolve("abc.raw"), "abc");
    }

    @Test
    void aChecksumGlanceGotWrongFailsTheVerifyAndDeletesTheImage() throws Exception {
        try (FakeCloud cloud = new FakeCloud(FakeCloud.Fault.WRONG_CHECKSUM)) {
            GlancePublishException e = assertThrows(GlancePublishException.class, () -> publisher.publish(abc(),
                    Publish.named("fake"), OpenStackCredentials.fromEnvironment(cloud.environment())));
            assertEquals("verify", e.step());
            assertTrue(e.getMessage().contains("Glance's md5 00000000000000000000000000000000 differs from ours"
                    + " 900150983cd24fb0d6963f7d28e17f72"), e.getMessage());
            assertTrue(cloud.requests.contains("DELETE /image/v2/images/img-1 tok-1"), cloud.requests.toString());
        }
    }

    @Test
    void anUnreachableKeystoneIsSaidSoAndNotCalledARefusal() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(java.util.Map.of(
                "OS_AUTH_URL", "http://127.0.0.1:" + closedPort + "/v3", "OS_USERNAME", "u",
                "OS_PASSWORD", "p", "OS_PROJECT_NAME", "p"));
        GlancePublishException e = assertThrows(GlancePublishException.class,
                () -> publisher.publish(abc(), Publish.named("fake"), c));
        assertEquals("authenticate", e.step());
        assertTrue(e.getMessage().contains("cannot reach Keystone http://127.0.0.1:" + closedPort + "/v3"),
                e.getMessage());
        assertFalse(e.getMessage().contains("refused user"), e.getMessage());
    }

    @Test
    void aTokenThatExpiresMidPublishIsRenewedOnce() throws Exception {
        try (FakeCloud cloud = new FakeCloud(FakeCloud.Fault.TOKEN_EXPIRES_AFTER_UPLOAD)) {
            PublishedImage img = publisher.publish(abc(), Publish.named("fake"),
                    OpenStackCredentials.fromEnvironment(cloud.environment()));
            assertEquals("img-1", img.id());
            assertEquals(2, cloud.requests.stream().filter(r -> r.startsWith("POST /v3/auth/tokens")).count(),
                    cloud.requests.toString());
            assertTrue(cloud.requests.contains("GET /image/v2/images/img-1 tok-2"), cloud.requests.toString());
        }
    }

    @Test
    void cancellingAnUploadGlanceStoppedReadingEndsItAndDeletesTheImage() throws Exception {
        Path big = dir.resolve("big.raw");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(256L << 20); // far more than the socket buffers hold
        }
        try (FakeCloud cloud = new FakeCloud(FakeCloud.Fault.STALLS_UPLOAD)) {
            Cancellation cancel = new Cancellation();
            SecretMasker masker = new SecretMasker();
            StepContext ctx = new StepContext("publish", dir, e -> { }, cancel, masker);
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                } catch (InterruptedException e) {
                    return;
                }
                cancel.cancel();
            });
            canceller.start();
            long start = System.nanoTime();
            assertThrows(CancellationException.class, () -> publisher.publish(big, Publish.named("fake"),
                    OpenStackCredentials.fromEnvironment(cloud.environment()), ctx));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 10, "a blocked write noticed the cancel after " + seconds + " s");
            assertTrue(cloud.requests.contains("DELETE /image/v2/images/img-1 tok-1"), cloud.requests.toString());
            assertFalse(masker.mask("app-s3cret tok-1").contains("s3cret"), "secrets are masked");
        }
    }
}
