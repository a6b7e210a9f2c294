package io.imagebuilder.glance.internal;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.glance.GlancePublisher;
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
        PublishedImage img = new GlancePublisher().publish(Path.of(args[0]), p,
                OpenStackCredentials.fromEnvironment(System.getenv()));
        System.out.println("id=" + img.id() + " md5=" + img.checksumMd5() + " ms="
                + (System.nanoTime() - start) / 1_000_000);
    }
}
