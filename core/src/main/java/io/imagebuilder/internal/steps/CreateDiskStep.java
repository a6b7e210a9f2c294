package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes the build VM's disk in the work folder: new, an overlay on a base image, or a copy of it. The base is
 * the parent stage's image when there is one, else the disk image fetch-source made local.
 */
final class CreateDiskStep implements Step {

    private final MachineDriver driver;
    private final DiskPlan.Kind kind;
    private final Optional<Path> parentImage;
    private final long sizeMb;

    CreateDiskStep(MachineDriver driver, DiskPlan.Kind kind, Optional<Path> parentImage, long sizeMb) {
        this.driver = driver;
        this.kind = kind;
        this.parentImage = parentImage;
        this.sizeMb = sizeMb;
    }

    @Override
    public String name() {
        return "create-disk";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Path disk = ctx.workDir().resolve("disk.qcow2");
        ctx.put(BuildKeys.DISK, disk);
        Optional<Path> base = kind == DiskPlan.Kind.NEW ? Optional.empty()
                : parentImage.or(() -> ctx.get(BuildKeys.SOURCE_FILE));
        DiskPlan plan = new DiskPlan(kind, base, sizeMb, disk);
        ctx.info("creating " + kind.name().toLowerCase(Locale.ROOT) + " disk " + disk
                + plan.base().map(b -> " on " + b).orElse(""));
        driver.prepareDisk(plan, ctx);
    }

    @Override
    public void cleanup(StepContext ctx) throws Exception {
        Optional<Path> disk = ctx.remove(BuildKeys.DISK);
        if (disk.isPresent()) {
            Files.deleteIfExists(disk.get());
        }
    }
}
