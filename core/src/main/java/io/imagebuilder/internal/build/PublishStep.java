package io.imagebuilder.internal.build;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.BuildResult;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.template.Publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Uploads the finished image to Glance (the publisher removes a half-made image itself on failure). What was
 * published is recorded beside the image ({@code NAME.qcow2.published}); when the same image, with the same
 * settings, to the same cloud, is still there, it is not uploaded again: an unchanged rebuild publishes once.
 */
final class PublishStep implements Step {

    private final ImagePublisher publisher;
    private final Publish publish;
    private final OpenStackCredentials credentials;

    PublishStep(ImagePublisher publisher, Publish publish, OpenStackCredentials credentials) {
        this.publisher = publisher;
        this.publish = publish;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "publish";
    }

    /** The record beside an image of what was published from it. */
    static Path recordFile(Path image) {
        return image.resolveSibling(image.getFileName() + ".published");
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        BuildResult.StageResult output = ctx.require(BuildKeys.OUTPUT);
        Path record = recordFile(output.image());
        String what = output.sha256() + " " + credentials.authUrl() + " " + credentials.projectName().orElse("")
                + " " + publish;
        Optional<ImagePublisher.PublishedImage> before = Optional.empty();
        List<String> lines = Files.isRegularFile(record) ? Files.readAllLines(record) : List.of();
        if (lines.size() == 2 && lines.get(1).equals(what)) {
            before = publisher.existing(lines.get(0), publish, credentials, ctx);
        }
        if (before.isPresent()) {
            ctx.info("already published as image " + before.get().id() + " (same image, same settings): not"
                    + " uploaded again");
            ctx.put(BuildKeys.PUBLISHED, before.get());
            return;
        }
        Files.deleteIfExists(record);
        ImagePublisher.PublishedImage image = publisher.publish(output.image(), publish, credentials, ctx);
        ctx.put(BuildKeys.PUBLISHED, image);
        ctx.info("published " + image.name() + " as image " + image.id());
        try {
            Files.write(record, List.of(image.id(), what));
        } catch (IOException e) {
            ctx.warn("published, but could not record it in " + record + ": " + e.getMessage());
        }
    }
}
