package io.imagebuilder.qemu.internal;

import io.imagebuilder.template.Output;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The single qemu-img pass that turns the build disk into the output: compaction, zlib or zstd compression,
 * or raw, always flattening a backing chain (no {@code -B}). {@code -W} lets qemu-img write out of order, which
 * is what makes compression use several cores.
 */
public record ConvertPlan(Kind kind, List<String> qemuImgArgs, String description) {

    public enum Kind {
        /** Plain file copy: nothing to compact, compress or flatten. */
        COPY,
        /** One {@code qemu-img convert}. */
        CONVERT
    }

    public static ConvertPlan of(Path source, QemuImgInfo info, Path target, Output output) {
        boolean flatten = info.backingFile().isPresent();
        boolean sameFormat = info.format().equals(output.format().qemuName());
        if (!output.compact() && output.compression() == Output.Compression.NONE && sameFormat && !flatten) {
            return new ConvertPlan(Kind.COPY, List.of(), "copy (compaction skipped)");
        }
        List<String> args = new ArrayList<>(List.of("convert", "-p", "-W", "-f", info.format(),
                "-O", output.format().qemuName()));
        String what = switch (output.compression()) {
            case NONE -> output.format() == Output.Format.RAW ? "raw" : "compaction";
            case ZLIB -> "zlib compression";
            case ZSTD -> "zstd compression";
        };
        if (output.compression() != Output.Compression.NONE) {
            args.add("-c");
        }
        if (output.compression() == Output.Compression.ZSTD) {
            args.addAll(List.of("-o", "compression_type=zstd"));
        }
        args.add(source.toString());
        args.add(target.toString());
        return new ConvertPlan(Kind.CONVERT, args, what + (flatten ? ", flattening the backing chain" : ""));
    }
}
