package io.imagebuilder.internal.build;

import io.imagebuilder.BuildResult;
import io.imagebuilder.internal.steps.BuildKeys;
import io.imagebuilder.internal.steps.StagePlanner;
import io.imagebuilder.pipeline.Pipeline;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.pipeline.StepTiming;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Builds a chain of stages, parents first. A stage whose image exists with the same input digest is reused;
 * otherwise its steps run and the digest is recorded beside the new image. Only the last stage publishes.
 */
public final class ChainBuild {

    private final BuildContext build;
    private final StagePlanner planner;

    public ChainBuild(BuildContext build) {
        this.build = build;
        this.planner = new StagePlanner(build);
    }

    public BuildResult run(List<ImageTemplate> stages) throws IOException {
        List<BuildResult.StageResult> results = new ArrayList<>();
        Optional<PublishTarget.PublishedImage> published = Optional.empty();
        boolean publishes = build.settings().publishTo().isPresent();
        String parentDigest = "";
        Optional<Path> parentImage = Optional.empty();
        for (int i = 0; i < stages.size(); i++) {
            ImageTemplate t = stages.get(i);
            boolean last = i == stages.size() - 1;
            if (!last) { // parents never publish
                t = t.toBuilder().publish(null).build();
            }
            String digest = StageDigest.of(t, parentDigest + (last ? " last" : "") + " code=" + code(t),
                    customFiles(t));
            ImageFiles image = planner.outputImage(t);
            String vmName = "imagebuilder-" + t.name() + "-" + randomSuffix();
            StepContext ctx = build.stepContext(t.name(), build.settings().outputDir().toAbsolutePath()
                    .resolve(".work").resolve(vmName));
            Optional<BuildResult.StageResult> reused = build.settings().force() ? Optional.empty()
                    : reuse(t, image, digest);
            if (reused.isPresent() && !(last && publishes)) {
                ctx.info("'" + t.name() + "' is up to date (" + image.image() + "): reused, not rebuilt");
                results.add(reused.get());
            } else {
                Files.deleteIfExists(image.inputs()); // stale until this build succeeds
                Pipeline pipeline = new Pipeline(reused.isPresent() ? publishOnly(t, reused.get())
                        : planner.steps(t, parentImage, vmName, last));
                List<StepTiming> timings = pipeline.run(ctx, build.settings().onError());
                BuildResult.StageResult made = reused.orElseGet(() -> ctx.require(BuildKeys.OUTPUT));
                results.add(new BuildResult.StageResult(made.name(), made.image(), made.format(), made.sizeBytes(),
                        made.sha256(), timings, reused.isPresent()));
                Files.writeString(image.inputs(), digest + "\n");
                if (last) {
                    published = ctx.get(BuildKeys.PUBLISHED);
                }
            }
            parentDigest = digest;
            parentImage = Optional.of(image.image());
        }
        return new BuildResult(results, published);
    }

    /** A reused final image still gets published when asked: only the publish step runs, on it. */
    private List<Step> publishOnly(ImageTemplate t, BuildResult.StageResult reused) {
        Step output = new Step() {
            public String name() {
                return "reuse-image";
            }

            public void run(StepContext ctx) {
                ctx.put(BuildKeys.OUTPUT, reused);
            }
        };
        return List.of(output, planner.publishStep(t).orElseThrow());
    }

    private Optional<BuildResult.StageResult> reuse(ImageTemplate t, ImageFiles image, String digest)
            throws IOException {
        if (!Files.isRegularFile(image.image()) || !Files.isRegularFile(image.inputs())
                || !Files.isRegularFile(image.sha256()) || !Files.readString(image.inputs()).trim().equals(digest)) {
            return Optional.empty();
        }
        String sha256 = Files.readString(image.sha256()).trim().split("\\s+")[0];
        return Optional.of(new BuildResult.StageResult(t.name(), image.image(), t.output().format(),
                Files.size(image.image()), sha256, List.of(), true));
    }

    /** The code that makes the stage: ours (steps, bootstrap script), the guest access and the kinds it uses. */
    private String code(ImageTemplate t) {
        StringBuilder b = new StringBuilder("core=" + CodeFingerprint.of(StagePlanner.class));
        build.services().guestAccess().ifPresent(g -> b.append(" guest=").append(CodeFingerprint.of(g.getClass())));
        for (ProvisionerSpec p : t.provisioners()) {
            kind(p).ifPresent(k -> b.append(' ').append(k.type()).append('=').append(CodeFingerprint.of(k.getClass())));
        }
        return b.toString();
    }

    private List<Path> customFiles(ImageTemplate t) {
        List<Path> files = new ArrayList<>();
        for (ProvisionerSpec p : t.provisioners()) {
            kind(p).ifPresent(k -> files.addAll(k.localFiles((ProvisionerSpec.Custom) p)));
        }
        return files;
    }

    private Optional<ProvisionerKind> kind(ProvisionerSpec p) {
        return p instanceof ProvisionerSpec.Custom c
                ? Optional.ofNullable(build.services().provisionerKinds().get(c.type())) : Optional.empty();
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
