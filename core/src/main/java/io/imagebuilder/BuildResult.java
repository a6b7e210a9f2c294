package io.imagebuilder;

import io.imagebuilder.pipeline.StepTiming;
import io.imagebuilder.spi.PublishTarget.PublishedImage;
import io.imagebuilder.template.Output;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What a build made: one result per stage (parents first); the accessors describe the last stage's image. */
public record BuildResult(List<StageResult> stages, Optional<PublishedImage> published) {

    public BuildResult {
        stages = List.copyOf(stages);
    }

    /**
     * One stage's image.
     *
     * @param reused true when the image was already built and not rebuilt
     */
    public record StageResult(String name, Path image, Output.Format format, long sizeBytes, String sha256,
                              List<StepTiming> timings, boolean reused) {
        public StageResult {
            timings = List.copyOf(timings);
        }
    }

    public StageResult target() {
        return stages.get(stages.size() - 1);
    }

    public Path image() {
        return target().image();
    }

    public Output.Format format() {
        return target().format();
    }

    public long sizeBytes() {
        return target().sizeBytes();
    }

    public String sha256() {
        return target().sha256();
    }

    /** Every step of every stage, in the order they ran. */
    public List<StepTiming> timings() {
        return stages.stream().flatMap(s -> s.timings().stream()).toList();
    }

    public Optional<String> publishedImageId() {
        return published.map(PublishedImage::id);
    }
}
