package io.imagebuilder.qemu;

import io.imagebuilder.BuildListener;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Output;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Used by {@code bench/convert}: converts SOURCE to TARGET with COMPRESSION (none, zlib, zstd) through
 * {@link LibvirtDriver#convert} and prints {@code ms=... bytes=...} (the call's wall time, JVM start excluded:
 * the product converts inside an already running build).
 */
public final class ConvertBench {

    private ConvertBench() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Output output = new Output(Output.Format.QCOW2, Output.Compression.parse(args[2]), true);
        StepContext ctx = new StepContext("bench", target.getParent(), BuildListener.NONE, new Cancellation(),
                new SecretMasker());
        long t0 = System.nanoTime();
        new LibvirtDriver().convert(source, target, output, ctx);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("ms=" + ms + " bytes=" + Files.size(target));
    }
}
