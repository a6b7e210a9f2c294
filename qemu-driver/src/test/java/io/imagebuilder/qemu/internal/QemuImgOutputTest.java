package io.imagebuilder.qemu.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qemu-img's JSON as QEMU 7.2 (Debian 12) and QEMU 10.0 (Debian 13, recorded in a trixie chroot) print it for the
 * same images: a 64 MiB qcow2 base, an overlay on it ({@code -F qcow2}), a 16 MiB raw disk and a compressed copy.
 */
class QemuImgOutputTest {

    private static final Path IMAGE = Path.of("image");

    @ParameterizedTest
    @ValueSource(strings = {"7.2", "10.0"})
    void infoDescribesTheImageNotItsFileNode(String version) throws IOException {
        QemuImgInfo overlay = QemuImgInfo.parse(IMAGE, recorded(version, "info-overlay.qcow2.json"));
        assertEquals(new QemuImgInfo("qcow2", 64L << 20, Optional.of("base.qcow2"), Optional.of("qcow2")), overlay);
        QemuImgInfo raw = QemuImgInfo.parse(IMAGE, recorded(version, "info-disk.raw.json"));
        assertEquals(new QemuImgInfo("raw", 16L << 20, Optional.empty(), Optional.empty()), raw);
        QemuImgInfo base = QemuImgInfo.parse(IMAGE, recorded(version, "info-base.qcow2.json"));
        assertEquals(new QemuImgInfo("qcow2", 64L << 20, Optional.empty(), Optional.empty()), base);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.2", "10.0"})
    void mapOfAnOverlayNamesTheDepthAndOffsetOfEachRange(String version) throws IOException {
        List<QemuImgMap.Range> ranges = QemuImgMap.parse(IMAGE, recorded(version, "map-overlay.qcow2.json"));
        assertEquals(7, ranges.size());
        // written as zeros in the overlay
        assertTrue(ranges.get(0).readsAsZeros());
        // the base's data, from 64 KiB to 1 MiB
        assertEquals(new QemuImgMap.Range(65536, 983040, 1, true, false, true, false, OptionalLong.of(393216)),
                ranges.get(1));
        // the overlay's own 128 KiB at 4 MiB
        assertEquals(new QemuImgMap.Range(4194304, 131072, 0, true, false, true, false, OptionalLong.of(327680)),
                ranges.get(3));
        assertTrue(ranges.get(6).readsAsZeros());
    }

    @Test
    void compressedRangesAreMarkedByQemu8AndHaveNoOffsetIn72() throws IOException {
        QemuImgMap.Range newer = QemuImgMap.parse(IMAGE, recorded("10.0", "map-compressed.qcow2.json")).get(0);
        QemuImgMap.Range older = QemuImgMap.parse(IMAGE, recorded("7.2", "map-compressed.qcow2.json")).get(0);
        assertTrue(newer.compressed());
        assertTrue(older.offset().isEmpty() && !older.readsAsZeros());
    }

    @Test
    void anEntryThatIsNotUnderstoodIsAnErrorNeverZeros() {
        String json = "[{ \"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true, \"zero\": false,"
                + " \"data\": true, \"offset\": 327680},\n{ \"start\": 65536, \"length\": \"lots\", \"depth\": 0}]";
        IOException e = assertThrows(IOException.class, () -> QemuImgMap.parse(IMAGE, json));
        assertTrue(e.getMessage().contains("qemu-img map image: unexpected output") && e.getMessage().contains("lots"),
                e.getMessage());
        assertThrows(IOException.class, () -> QemuImgMap.parse(IMAGE, "{\"start\": 0}"));
        assertThrows(IOException.class, () -> QemuImgMap.parse(IMAGE, "[{ \"start\": 0, "));
    }

    @Test
    void infoWithoutFormatOrSizeIsAnError() {
        IOException e = assertThrows(IOException.class, () -> QemuImgInfo.parse(IMAGE, "{\"filename\": \"x\"}"));
        assertTrue(e.getMessage().startsWith("qemu-img info image: unexpected output"), e.getMessage());
        assertThrows(IOException.class, () -> QemuImgInfo.parse(IMAGE, "qemu-img: warning: something\n{}"));
    }

    private static String recorded(String version, String name) throws IOException {
        try (InputStream in = QemuImgOutputTest.class.getResourceAsStream("/qemu-img/" + version + "/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
