package io.imagebuilder.glance.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildListener;
import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.glance.GlancePublisher;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImagePublisher.PublishedImage;
import io.imagebuilder.template.Publish;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code PublishFileMain FILE NAME [DISK_FORMAT]}: publishes an existing file with the OS_* credentials of the
 * environment (as bench/upload does) and prints "id=... md5=... ms=...".
 */
public final class PublishFileMain {

    private PublishFileMain() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: PublishFileMain FILE NAME [DISK_FORMAT]");
            System.exit(2);
        }
        long start = System.nanoTime();
        Publish p = new Publish(args[1], Publish.Visibility.PRIVATE, 0, 0, args.length > 2 ? args[2] : "raw",
                "bare", false, Map.of(), List.of(), Publish.OnConflict.KEEP_BOTH);
        BuildListener timestamps = e -> { // phases on stderr, as ms since main()
            if (e instanceof BuildEvent.Message m) {
                System.err.printf("%6d ms  %s%n", (System.nanoTime() - start) / 1_000_000, m.text());
            }
        };
        Path file = Path.of(args[0]);
        StepContext ctx = new StepContext("publish", file.toAbsolutePath().getParent(), timestamps,
                new Cancellation(), new SecretMasker());
        PublishedImage img = new GlancePublisher().publish(file, p,
                OpenStackCredentials.fromEnvironment(System.getenv()), ctx);
        System.out.println("id=" + img.id() + " md5=" + img.checksumMd5() + " ms="
                + (System.nanoTime() - start) / 1_000_000);
    }
}
