package io.imagebuilder.glance;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildListener;
import io.imagebuilder.glance.internal.ImageRecord;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures in the middle of an upload leave no image behind in the real Glance. */
class GlanceFailureIT {

    @TempDir
    static Path dir;

    static Path big;

    private final String name = "ib-it-fail-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void fixture() throws Exception {
        OpenStackFixture.ensureRunning();
        big = GlancePublisherIT.randomFile(dir.resolve("big.raw"), 500, 5);
    }

    @AfterEach
    void cleanup() {
        OpenStackFixture.ensureRunning();
        OpenStackFixture.deleteAll(name);
    }

    private static Publish raw(String name) {
        return new Publish(name, Publish.Visibility.PRIVATE, 0, 0, "raw", "bare", false, Map.of(), List.of(),
                Publish.OnConflict.KEEP_BOTH);
    }

    /** Runs {@code action} once, in the upload's thread, when the upload passes 20 %. */
    private static BuildListener atTwentyPercent(Runnable action) {
        AtomicBoolean fired = new AtomicBoolean();
        return event -> {
            if (event instanceof BuildEvent.Progress p && p.done() * 5 > p.total() && fired.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    @Test
    void glanceStoppedMidUploadFailsAndLeavesNoImage() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Thread> restarter = new AtomicReference<>();
        BuildListener listener = atTwentyPercent(() -> {
            Thread t = new Thread(() -> {
                OpenStackFixture.stopGlance();
                stopped.countDown();
                OpenStackFixture.ensureRunning(); // Glance comes back while the publisher cleans up
            });
            restarter.set(t);
            t.start();
            try {
                stopped.await(); // keep sending only once glance-api is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        StepContext ctx = new StepContext("it", dir, listener, new Cancellation(), new SecretMasker());
        GlancePublishException e = assertThrows(GlancePublishException.class, () ->
                new GlancePublisher(Duration.ofMinutes(2), Duration.ofMinutes(2)).publish(big, raw(name),
                        OpenStackFixture.credentials(), ctx));
        restarter.get().join();
        assertTrue(List.of("upload", "wait").contains(e.step()), e.getMessage());
        assertTrue(e.getMessage().contains("/file"), e.getMessage());
        assertEquals(List.of(), OpenStackFixture.imagesNamed(name).stream().map(ImageRecord::status).toList());
    }

    @Test
    void imageThatCannotBeDeletedIsNamedInTheError() {
        BuildListener listener = atTwentyPercent(OpenStackFixture::stopGlance); // and it stays down
        StepContext ctx = new StepContext("it", dir, listener, new Cancellation(), new SecretMasker());
        GlancePublishException e;
        try {
            e = assertThrows(GlancePublishException.class, () ->
                    new GlancePublisher(Duration.ofMinutes(1), Duration.ofSeconds(3)).publish(big, raw(name),
                            OpenStackFixture.credentials(), ctx));
        } finally {
            OpenStackFixture.ensureRunning();
        }
        List<ImageRecord> left = OpenStackFixture.imagesNamed(name);
        assertEquals(1, left.size());
        assertTrue(e.getMessage().contains("half-made image " + left.get(0).id() + " could NOT be deleted"),
                e.getMessage());
        assertEquals("upload", e.step());
    }

    @Test
    void cancellationMidUploadDeletesTheImage() {
        Cancellation cancel = new Cancellation();
        StepContext ctx = new StepContext("it", dir, atTwentyPercent(cancel::cancel), cancel, new SecretMasker());
        assertThrows(CancellationException.class, () ->
                new GlancePublisher().publish(big, raw(name), OpenStackFixture.credentials(), ctx));
        assertEquals(List.of(), OpenStackFixture.imagesNamed(name));
    }
}
