package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Makes the build VM's qcow2 disk: new, overlay on a base (Packer's use_backing_file) or full copy. */
public final class DiskPreparer {

    private static final long MIB = 1024L * 1024;

    private DiskPreparer() {
    }

    public static void prepare(DiskPlan plan, StepContext ctx) throws IOException {
        QemuImg img = new QemuImg(ctx.cancellation());
        Path target = plan.target();
        Files.createDirectories(target.toAbsolutePath().getParent());
        switch (plan.kind()) {
            case NEW -> {
                img.run(List.of("create", "-q", "-f", "qcow2", target.toString(), plan.sizeMb() + "M"), null);
                ctx.info("created empty qcow2 disk " + target + " (" + plan.sizeMb() + " MB)");
            }
            case OVERLAY -> {
                Path base = existingBase(plan);
                QemuImgInfo info = img.info(base);
                long size = Math.max(plan.sizeMb() * MIB, info.virtualSize());
                img.run(List.of("create", "-q", "-f", "qcow2", "-b", base.toAbsolutePath().toString(),
                        "-F", info.format(), target.toString(), size + ""), null);
                ctx.info("created qcow2 overlay " + target + " on " + base + " (" + size / MIB + " MB)");
            }
            case COPY -> {
                Path base = existingBase(plan);
                QemuImgInfo info = img.info(base);
                img.run(List.of("convert", "-W", "-f", info.format(), "-O", "qcow2", base.toString(),
                        target.toString()), null);
                if (plan.sizeMb() * MIB > info.virtualSize()) {
                    img.run(List.of("resize", "-q", "-f", "qcow2", target.toString(), plan.sizeMb() + "M"), null);
                }
                ctx.info("copied " + base + " to qcow2 disk " + target + " ("
                        + Math.max(plan.sizeMb(), info.virtualSize() / MIB) + " MB)");
            }
        }
    }

    private static Path existingBase(DiskPlan plan) throws FileNotFoundException {
        Path base = plan.base().orElseThrow();
        if (!Files.isRegularFile(base)) {
            throw new FileNotFoundException("base disk image " + base + " does not exist (needed for the "
                    + plan.kind().name().toLowerCase(java.util.Locale.ROOT) + " disk " + plan.target() + ")");
        }
        return base;
    }
}
