package io.imagebuilder.qemu.internal.qcow2;

import io.imagebuilder.qemu.internal.QemuImg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the guest-visible data of a disk (with its backing chain) lies in the image files, from
 * {@code qemu-img map}: ranges of the virtual disk stored uncompressed at an offset of one file of the chain.
 * Ranges that read as zeros are left out. Empty when some data cannot be read directly (compressed or
 * encrypted clusters): then qemu-img converts.
 */
record SourceExtents(long virtualSize, List<Extent> data) {

    /** {@code length} bytes of the virtual disk from {@code start}, stored in {@code file} at {@code offset}. */
    record Extent(long start, long length, Path file, long offset) {
    }

    private static final Pattern LINE = Pattern.compile("\\{\\s*\"start\":\\s*(\\d+),\\s*\"length\":\\s*(\\d+),"
            + "\\s*\"depth\":\\s*(\\d+),.*?\"present\":\\s*(true|false),\\s*\"zero\":\\s*(true|false),"
            + "\\s*\"data\":\\s*(true|false)(.*)}");
    private static final Pattern OFFSET = Pattern.compile("\"offset\":\\s*(\\d+)");
    private static final Pattern COMPRESSED = Pattern.compile("\"compressed\":\\s*true");

    static Optional<SourceExtents> of(Path source, QemuImg.Info info, QemuImg img) throws IOException {
        List<Path> chain = chain(source, info, img);
        long virtualSize = info.virtualSize();
        String map = img.run(List.of("map", "--output=json", source.toString()), null);
        List<Extent> data = new ArrayList<>();
        for (String line : map.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            boolean present = Boolean.parseBoolean(m.group(4));
            boolean zero = Boolean.parseBoolean(m.group(5));
            boolean hasData = Boolean.parseBoolean(m.group(6));
            if (!present || zero || !hasData) {
                continue; // reads as zeros
            }
            Matcher offset = OFFSET.matcher(m.group(7));
            int depth = Integer.parseInt(m.group(3));
            if (COMPRESSED.matcher(m.group(7)).find() || !offset.find() || depth >= chain.size()) {
                return Optional.empty();
            }
            data.add(new Extent(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), chain.get(depth),
                    Long.parseLong(offset.group(1))));
        }
        return Optional.of(new SourceExtents(virtualSize, data));
    }

    /** The image, then its backing file, and so on: index = qemu-img map's depth. */
    private static List<Path> chain(Path source, QemuImg.Info info, QemuImg img) throws IOException {
        List<Path> chain = new ArrayList<>();
        Path current = source.toAbsolutePath();
        Optional<String> backing = info.backingFile();
        chain.add(current);
        while (backing.isPresent() && chain.size() < 64) {
            current = current.getParent().resolve(backing.get());
            chain.add(current);
            backing = img.info(current).backingFile();
        }
        return chain;
    }
}
