package io.imagebuilder.qemu.internal.qcow2;

import io.imagebuilder.qemu.internal.QemuImg;
import io.imagebuilder.qemu.internal.QemuImgInfo;
import io.imagebuilder.qemu.internal.QemuImgMap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    static Optional<SourceExtents> of(Path source, QemuImgInfo info, QemuImg img) throws IOException {
        List<Path> chain = chain(source, info, img);
        List<Extent> data = new ArrayList<>();
        for (QemuImgMap.Range r : img.map(source)) {
            if (r.readsAsZeros()) {
                continue;
            }
            if (r.compressed() || r.offset().isEmpty() || r.depth() >= chain.size()) {
                return Optional.empty();
            }
            data.add(new Extent(r.start(), r.length(), chain.get(r.depth()), r.offset().getAsLong()));
        }
        return Optional.of(new SourceExtents(info.virtualSize(), data));
    }

    /** The image, then its backing file, and so on: index = qemu-img map's depth. */
    private static List<Path> chain(Path source, QemuImgInfo info, QemuImg img) throws IOException {
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
