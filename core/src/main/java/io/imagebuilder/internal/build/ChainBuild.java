package io.imagebuilder.internal.build;

import io.imagebuilder.BuildListener;
import io.imagebuilder.BuildResult;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.Pipeline;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.pipeline.StepTiming;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a chain of stages, parents first. A stage whose image exists with the same input digest is reused;
 * otherwise its steps run and the digest is recorded beside the new image. Only the last stage publishes.
 */
public final class ChainBuild {

    private final BuildSettings settings;
    private final StagePlanner planner;
    private final Map<String, ProvisionerKind> kinds;
    private final BuildListener listener;
    private final Cancellation cancellation;
    private final SecretMasker masker;

    public ChainBuild(BuildSettings settings, StagePlanner planner, Map<String, ProvisionerKind> kinds,
                      BuildListener listener, Cancellation cancellation, SecretMasker masker) {
        this.settings = settings;
        this.planner = planner;
        this.kinds = kinds;
        this.listener = listener;
        this.cancellation = cancellation;
        this.masker = masker;
    }

    public BuildResult run(List<ImageTemplate> stages) throws IOException {
        List<BuildResult.StageResult> results = new ArrayList<>();
        Optional<ImagePublisher.PublishedImage> published = Optional.empty();
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
            Path image = StagePlanner.outputImage(settings, t);
            String vmName = "imagebuilder-" + t.name() + "-" + randomSuffix();
            StepContext ctx = new StepContext(t.name(), settings.outputDir().toAbsolutePath().resolve(".work")
                    .resolve(vmName), listener, cancellation, masker);
            Optional<BuildResult.StageResult> reused = settings.force() ? Optional.empty() : reuse(t, image, digest);
            if (reused.isPresent() && !(last && settings.credentials().isPresent())) {
                ctx.info("'" + t.name() + "' is up to date (" + image + "): reused, not rebuilt");
                results.add(reused.get());
            } else {
                Files.deleteIfExists(StageDigest.recordFile(image)); // stale until this build succeeds
                Pipeline pipeline = new Pipeline(reused.isPresent() ? publishOnly(t, reused.get())
                        : planner.steps(t, parentImage, vmName, last));
                List<StepTiming> timings = pipeline.run(ctx, settings.onError());
                BuildResult.StageResult made = reused.orElseGet(() -> ctx.require(BuildKeys.OUTPUT));
                results.add(new BuildResult.StageResult(made.name(), made.image(), made.format(), made.sizeBytes(),
                        made.sha256(), timings, reused.isPresent()));
                Files.writeString(StageDigest.recordFile(image), digest + "\n");
                if (last) {
                    published = ctx.get(BuildKeys.PUBLISHED);
                }
            }
            parentDigest = digest;
            parentImage = Optional.of(image);
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

    private Optional<BuildResult.StageResult> reuse(ImageTemplate t, Path image, String digest) throws IOException {
        Path record = StageDigest.recordFile(image);
        Path sha = ConvertStep.sha256File(image);
        if (!Files.isRegularFile(image) || !Files.isRegularFile(record) || !Files.isRegularFile(sha)
                || !Files.readString(record).trim().equals(digest)) {
            return Optional.empty();
        }
        String sha256 = Files.readString(sha).trim().split("\\s+")[0];
        return Optional.of(new BuildResult.StageResult(t.name(), image, t.output().format(), Files.size(image),
                sha256, List.of(), true));
    }

    /** The code that makes the stage: ours (steps, bootstrap script), the guest access and the kinds it uses. */
    private String code(ImageTemplate t) {
        StringBuilder b = new StringBuilder(planner.codeFingerprint());
        for (ProvisionerSpec p : t.provisioners()) {
            if (p instanceof ProvisionerSpec.Custom c && kinds.containsKey(c.type())) {
                b.append(' ').append(c.type()).append('=').append(CodeFingerprint.of(kinds.get(c.type()).getClass()));
            }
        }
        return b.toString();
    }

    private List<Path> customFiles(ImageTemplate t) {
        List<Path> files = new ArrayList<>();
        for (ProvisionerSpec p : t.provisioners()) {
            if (p instanceof ProvisionerSpec.Custom c && kinds.containsKey(c.type())) {
                files.addAll(kinds.get(c.type()).localFiles(c));
            }
        }
        return files;
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
