package io.imagebuilder.internal.build;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** Makes the build VM's disk in the work folder: new, an overlay on the base image, or a copy of it. */
final class CreateDiskStep implements Step {

    private final MachineDriver driver;
    private final DiskPlan.Kind kind;
    private final Function<StepContext, Optional<Path>> base;
    private final long sizeMb;

    CreateDiskStep(MachineDriver driver, DiskPlan.Kind kind, Function<StepContext, Optional<Path>> base, long sizeMb) {
        this.driver = driver;
        this.kind = kind;
        this.base = base;
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
        DiskPlan plan = new DiskPlan(kind, base.apply(ctx), sizeMb, disk);
        ctx.info("creating " + kind.name().toLowerCase(java.util.Locale.ROOT) + " disk " + disk
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
