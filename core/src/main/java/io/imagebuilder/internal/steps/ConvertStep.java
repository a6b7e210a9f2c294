package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildResult;
import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.template.Output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the finished disk to the output folder (compacted, compressed or raw, a backing chain flattened),
 * through a {@code .part} file moved into place only when complete, so a failed build never leaves an image
 * that looks finished; a {@code .sha256} file in sha256sum's format goes beside it.
 */
final class ConvertStep implements Step {

    private final MachineDriver driver;
    private final Output output;
    private final Path target;

    ConvertStep(MachineDriver driver, Output output, Path target) {
        this.driver = driver;
        this.output = output;
        this.target = target;
    }

    @Override
    public String name() {
        return "convert";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Files.createDirectories(target.getParent());
        ImageFiles files = new ImageFiles(target);
        driver.convert(ctx.require(BuildKeys.DISK), files.part(), output, ctx);
        String sha256 = Checksums.sha256(files.part());
        Files.move(files.part(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path shaPart = ImageFiles.partOf(files.sha256());
        Files.writeString(shaPart, sha256 + "  " + target.getFileName() + "\n");
        Files.move(shaPart, files.sha256(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ctx.info("wrote " + target + " (" + Files.size(target) / (1 << 20) + " MiB, sha256 " + sha256 + ")");
        ctx.put(BuildKeys.OUTPUT, new BuildResult.StageResult(ctx.stage(), target, output.format(),
                Files.size(target), sha256, List.of(), false));
    }

    @Override
    public void cleanup(StepContext ctx) throws Exception {
        ImageFiles files = new ImageFiles(target);
        Files.deleteIfExists(files.part());
        Files.deleteIfExists(ImageFiles.partOf(files.sha256()));
    }
}
