package io.imagebuilder.qemu.internal;

import io.imagebuilder.template.Output;
import io.imagebuilder.template.Output.Compression;
import io.imagebuilder.template.Output.Format;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvertPlanTest {

    private static final Path SRC = Path.of("/w/disk.qcow2");
    private static final Path DST = Path.of("/out/image.qcow2");
    private static final QemuImgInfo QCOW2 = new QemuImgInfo("qcow2", 1L << 32, Optional.empty());
    private static final QemuImgInfo OVERLAY = new QemuImgInfo("qcow2", 1L << 32, Optional.of("/base.qcow2"));

    @Test
    void compactionOnly() {
        ConvertPlan p = ConvertPlan.of(SRC, QCOW2, DST, Output.defaults());
        assertEquals(ConvertPlan.Kind.CONVERT, p.kind());
        assertEquals(List.of("convert", "-p", "-W", "-f", "qcow2", "-O", "qcow2", SRC.toString(), DST.toString()),
                p.qemuImgArgs());
    }

    @Test
    void zlibIsParallelCompression() {
        List<String> a = ConvertPlan.of(SRC, QCOW2, DST, new Output(Format.QCOW2, Compression.ZLIB, true)).qemuImgArgs();
        assertTrue(a.containsAll(List.of("-c", "-W")), a.toString());
        assertFalse(a.contains("compression_type=zstd"));
    }

    @Test
    void zstdSetsCompressionType() {
        List<String> a = ConvertPlan.of(SRC, QCOW2, DST, new Output(Format.QCOW2, Compression.ZSTD, false)).qemuImgArgs();
        assertTrue(a.containsAll(List.of("-c", "-W", "compression_type=zstd")), a.toString());
        int o = a.indexOf("-o");
        assertEquals("compression_type=zstd", a.get(o + 1));
    }

    @Test
    void raw() {
        List<String> a = ConvertPlan.of(SRC, QCOW2, DST, new Output(Format.RAW, Compression.NONE, true)).qemuImgArgs();
        assertEquals("raw", a.get(a.indexOf("-O") + 1));
        assertFalse(a.contains("-c"));
    }

    @Test
    void skippedCompactionIsACopyUnlessABackingChainMustBeFlattened() {
        Output noCompact = new Output(Format.QCOW2, Compression.NONE, false);
        assertEquals(ConvertPlan.Kind.COPY, ConvertPlan.of(SRC, QCOW2, DST, noCompact).kind());
        ConvertPlan flat = ConvertPlan.of(SRC, OVERLAY, DST, noCompact);
        assertEquals(ConvertPlan.Kind.CONVERT, flat.kind());
        assertFalse(flat.qemuImgArgs().contains("-B"), "never keeps the backing file");
        assertTrue(flat.description().contains("flattening"), flat.description());
    }
}
