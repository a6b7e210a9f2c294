package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildResult;
import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Uploads the finished image to the publish target (which removes a half-made image itself on failure). What
 * was published is recorded beside the image ({@code NAME.qcow2.published}); when the same image, with the
 * same settings, to the same target, is still there, it is not uploaded again: an unchanged rebuild publishes
 * once.
 */
final class PublishStep implements Step {

    private final PublishTarget target;
    private final Publish publish;

    PublishStep(PublishTarget target, Publish publish) {
        this.target = target;
        this.publish = publish;
    }

    @Override
    public String name() {
        return "publish";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        BuildResult.StageResult output = ctx.require(BuildKeys.OUTPUT);
        Path record = new ImageFiles(output.image()).published();
        String what = output.sha256() + " " + target.identity() + " " + publish;
        Optional<PublishTarget.PublishedImage> before = Optional.empty();
        List<String> lines = Files.isRegularFile(record) ? Files.readAllLines(record) : List.of();
        if (lines.size() == 2 && lines.get(1).equals(what)) {
            before = target.existing(lines.get(0), publish, ctx);
        }
        if (before.isPresent()) {
            ctx.info("already published as image " + before.get().id() + " (same image, same settings): not"
                    + " uploaded again");
            ctx.put(BuildKeys.PUBLISHED, before.get());
            return;
        }
        Files.deleteIfExists(record);
        PublishTarget.PublishedImage image = target.publish(output.image(), publish, ctx);
        ctx.put(BuildKeys.PUBLISHED, image);
        ctx.info("published " + image.name() + " as image " + image.id());
        try {
            Files.write(record, List.of(image.id(), what));
        } catch (IOException e) {
            ctx.warn("published, but could not record it in " + record + ": " + e.getMessage());
        }
    }
}
