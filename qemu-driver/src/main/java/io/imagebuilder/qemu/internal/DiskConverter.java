package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.qemu.internal.qcow2.CompressedQcow2Writer;
import io.imagebuilder.template.Output;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the finished disk in the output's format in one pass. A failed or cancelled conversion deletes what it
 * wrote (the build's convert step writes to a {@code .part} file and moves it into place itself). Compressed
 * qcow2 is written by {@link CompressedQcow2Writer} where it can read the source directly, by qemu-img
 * otherwise.
 */
public final class DiskConverter {

    private static final Logger LOG = LoggerFactory.getLogger(DiskConverter.class);

    private DiskConverter() {
    }

    public static void convert(Path source, Path target, Output output, StepContext ctx) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new FileNotFoundException("disk to convert " + source + " does not exist");
        }
        QemuImg img = new QemuImg(ctx.cancellation());
        QemuImgInfo info = img.info(source);
        Files.createDirectories(target.toAbsolutePath().getParent());
        ConvertPlan plan = ConvertPlan.of(source, info, target, output);
        ctx.info("writing " + target + ": " + plan.description());
        long started = System.nanoTime();
        boolean complete = false;
        try {
            Files.deleteIfExists(target);
            Optional<CompressedQcow2Writer.SourceReader> direct = plan.kind() == ConvertPlan.Kind.COPY
                    ? Optional.empty() : CompressedQcow2Writer.prepare(source, info, output, img);
            if (plan.kind() == ConvertPlan.Kind.COPY) {
                copySparse(source, target, ctx);
            } else if (direct.isPresent()) {
                int threads = Runtime.getRuntime().availableProcessors();
                ctx.info("compressing " + (direct.get().dataBytes() >> 20) + " MiB of data on " + threads
                        + " threads");
                new CompressedQcow2Writer(output.compression(), threads).write(direct.get(), target, ctx);
            } else {
                AtomicLong lastPermille = new AtomicLong(-1);
                long total = info.virtualSize();
                img.run(plan.qemuImgArgs(), pct -> {
                    long permille = (long) (pct * 10);
                    if (permille != lastPermille.getAndSet(permille)) {
                        ctx.progress((long) (total * pct / 100), total);
                    }
                });
            }
            complete = true;
        } finally {
            if (!complete) {
                Files.deleteIfExists(target);
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        ctx.info(String.format("wrote %s (%d MiB) in %.1f s", target, Files.size(target) >> 20, ms / 1000.0));
        LOG.debug("convert {} -> {} took {} ms", source, target, ms);
    }

    /** {@code cp --sparse=always}: Java's copy would fill the holes of a sparse image. */
    private static void copySparse(Path source, Path target, StepContext ctx) throws IOException {
        Process p = new ProcessBuilder(List.of("cp", "--sparse=always", source.toString(), target.toString()))
                .redirectErrorStream(true).start();
        try {
            while (!p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (ctx.cancellation().isCancelled()) {
                    p.destroyForcibly().waitFor();
                    ctx.cancellation().check();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while copying " + source);
        }
        if (p.exitValue() != 0) {
            throw new IOException("cp " + source + " " + target + " failed: "
                    + new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }
}
