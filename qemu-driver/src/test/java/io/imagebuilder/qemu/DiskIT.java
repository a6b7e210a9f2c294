package io.imagebuilder.qemu;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.Output.Compression;
import io.imagebuilder.template.Output.Format;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prepareDisk and convert with the real qemu-img. */
class DiskIT {

    @TempDir
    Path work;

    private final LibvirtDriver driver = new LibvirtDriver();

    /** The setup script installs qemu-utils (qemu-img, qemu-io) on a bare machine. */
    @BeforeAll
    static void packages() throws Exception {
        Fixtures.libvirtd();
    }

    private static String info(Path image) throws Exception {
        return String.join("\n", Fixtures.run(30, "qemu-img", "info", image.toString()));
    }

    /** A 64 MiB qcow2 with 16 MiB of compressible data. */
    private Path base() throws Exception {
        Path base = work.resolve("base.qcow2");
        Fixtures.run(30, "qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "64M");
        Fixtures.run(30, "qemu-io", "-f", "qcow2", "-c", "write -P 0x41 0 16M", base.toString());
        return base;
    }

    private static void assertSameContent(Path a, Path b) throws Exception {
        Fixtures.run(120, "qemu-img", "compare", a.toString(), b.toString()); // fails when they differ
    }

    @Test
    void newOverlayAndCopyDisks() throws Exception {
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path base = base();

        Path fresh = work.resolve("new.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 100, fresh), rec.ctx);
        assertTrue(info(fresh).contains("virtual size: 100 MiB"), info(fresh));

        Path overlay = work.resolve("overlay.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(base), 128, overlay), rec.ctx);
        assertTrue(info(overlay).contains("backing file: " + base), info(overlay));
        assertTrue(info(overlay).contains("virtual size: 128 MiB"), info(overlay));
        assertSameContent(base, overlay);

        Path copy = work.resolve("copy.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.COPY, Optional.of(base), 96, copy), rec.ctx);
        assertFalse(info(copy).contains("backing file"), info(copy));
        assertTrue(info(copy).contains("virtual size: 96 MiB"), info(copy));
        assertSameContent(base, copy);

        Path missing = work.resolve("missing.qcow2");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> driver.prepareDisk(
                new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(missing), 64, work.resolve("x.qcow2")), rec.ctx));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void convertFlattensCompressesAndReportsProgress() throws Exception {
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path base = base();
        Path overlay = work.resolve("overlay.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(base), 64, overlay), rec.ctx);
        Fixtures.run(30, "qemu-io", "-f", "qcow2", "-c", "write -P 0x42 32M 4M", overlay.toString());

        Path zlib = work.resolve("out/zlib.qcow2");
        driver.convert(overlay, zlib, new Output(Format.QCOW2, Compression.ZLIB, true), rec.ctx);
        assertFalse(info(zlib).contains("backing file"), "flattened: " + info(zlib));
        assertTrue(info(zlib).contains("compression type: zlib"), info(zlib));
        assertTrue(Files.size(zlib) < 2L << 20, "compressed: " + Files.size(zlib));
        assertSameContent(overlay, zlib);
        assertChecksClean(zlib);
        List<BuildEvent.Progress> progress = rec.progress();
        assertFalse(progress.isEmpty(), "progress events");
        BuildEvent.Progress last = progress.get(progress.size() - 1);
        assertEquals(last.total(), last.done());

        Path zstd = work.resolve("out/zstd.qcow2");
        driver.convert(overlay, zstd, new Output(Format.QCOW2, Compression.ZSTD, true), rec.ctx);
        assertTrue(info(zstd).contains("compression type: zstd"), info(zstd));
        assertSameContent(overlay, zstd);
        assertChecksClean(zstd);

        Path raw = work.resolve("out/disk.raw");
        driver.convert(overlay, raw, new Output(Format.RAW, Compression.NONE, true), rec.ctx);
        assertTrue(info(raw).contains("file format: raw"), info(raw));
        assertSameContent(overlay, raw);

        Path compacted = work.resolve("out/compact.qcow2");
        driver.convert(overlay, compacted, Output.defaults(), rec.ctx);
        assertFalse(info(compacted).contains("backing file"));
        assertSameContent(overlay, compacted);

        Path copied = work.resolve("out/copied.qcow2");
        driver.convert(base, copied, new Output(Format.QCOW2, Compression.NONE, false), rec.ctx);
        assertSameContent(base, copied);
        assertTrue(rec.messages().stream().anyMatch(m -> m.contains("copy (compaction skipped)")), rec.messages().toString());
        try (var files = Files.list(work.resolve("out"))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".part")));
        }
    }

    /** qemu-img check finds no leak, no corruption: refcounts and tables are as QEMU would write them. */
    private static void assertChecksClean(Path image) throws Exception {
        String out = String.join("\n", Fixtures.run(60, "qemu-img", "check", image.toString()));
        assertTrue(out.contains("No errors were found on the image."), out);
    }

    /**
     * Our compressed writer against QEMU reading the result: data at both levels of a backing chain, a
     * cluster only partly written, random data that does not compress, a last cluster cut short by an odd
     * disk size, and zeros written over data.
     */
    @Test
    void compressedOutputIsReadByQemuAsTheSourceWhateverTheData() throws Exception {
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path base = work.resolve("odd.qcow2");
        Fixtures.run(30, "qemu-img", "create", "-q", "-f", "qcow2", base.toString(), String.valueOf((40L << 20) + 4608));
        byte[] noise = new byte[3 << 20];
        new java.util.Random(7).nextBytes(noise);
        Files.write(work.resolve("random.bin"), noise);
        Fixtures.run(30, "qemu-io", "-f", "qcow2", "-c", "write -P 0x11 0 5M", "-c", "write -P 0x22 7M 1000",
                "-c", "write -z 1M 64k", "-c", "write -P 0x33 40M 4608", base.toString());
        Fixtures.run(30, "qemu-img", "dd", "-f", "raw", "-O", "qcow2", "if=" + work.resolve("random.bin"),
                "of=" + work.resolve("random.qcow2"), "bs=1M");
        Path overlay = work.resolve("chain.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(base), 41, overlay), rec.ctx);
        Fixtures.run(30, "qemu-io", "-f", "qcow2", "-c", "write -P 0x44 2M 100k", overlay.toString());
        for (Compression c : List.of(Compression.ZLIB, Compression.ZSTD)) {
            Path out = work.resolve("chain-" + c + ".qcow2");
            driver.convert(overlay, out, new Output(Format.QCOW2, c, true), rec.ctx);
            assertSameContent(overlay, out);
            assertChecksClean(out);
        }
        Path random = work.resolve("random.qcow2");
        Path packed = work.resolve("random-zlib.qcow2");
        driver.convert(random, packed, new Output(Format.QCOW2, Compression.ZLIB, true), rec.ctx);
        assertSameContent(random, packed);
        assertChecksClean(packed);
        assertTrue(Files.size(packed) < Files.size(random) + (1 << 20),
                "incompressible data costs only deflate's stored-block headers: " + Files.size(packed));
        assertTrue(rec.messages().stream().anyMatch(m -> m.contains("compressing") && m.contains("threads")),
                "our writer did it, not qemu-img: " + rec.messages());
    }

    @Test
    void cancelledConvertLeavesNothing() throws Exception {
        Path guest = Fixtures.testGuest();
        Cancellation cancel = new Cancellation();
        StepContext ctx = new StepContext("it", work, e -> {
            if (e instanceof BuildEvent.Progress) {
                cancel.cancel();
            }
        }, cancel, new SecretMasker());
        Path target = work.resolve("cancelled.qcow2");
        long t0 = System.nanoTime();
        assertThrows(CancellationException.class, () -> driver.convert(guest.resolve("rootfs.qcow2"), target,
                new Output(Format.QCOW2, Compression.ZLIB, true), ctx));
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "stopped promptly");
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(work.resolve("cancelled.qcow2.part")));
    }

    @Test
    void missingSourceIsNamed() {
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path missing = work.resolve("nope.qcow2");
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> driver.convert(missing, work.resolve("o.qcow2"), Output.defaults(), rec.ctx));
        assertTrue(e.getMessage().contains(missing.toString()));
    }
}
