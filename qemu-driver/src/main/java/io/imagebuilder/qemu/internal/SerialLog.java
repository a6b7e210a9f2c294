package io.imagebuilder.qemu.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the end of the serial console file QEMU writes. */
final class SerialLog {

    private static final int MAX_BYTES = 256 * 1024;

    private SerialLog() {
    }

    /** The last {@code lines} non-empty lines, without control characters; empty when there is no file yet. */
    static List<String> tail(Path file, int lines) {
        if (lines <= 0 || !Files.isRegularFile(file)) {
            return List.of();
        }
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, MAX_BYTES);
            bytes = new byte[n];
            f.seek(len - n);
            f.readFully(bytes);
        } catch (IOException e) {
            return List.of();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>();
        for (String l : Arrays.asList(text.split("\r?\n|\r"))) {
            // drop escape sequences (colour, cursor) and other control characters
            String clean = l.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\\p{Cntrl}", "");
            if (!clean.isBlank()) {
                all.add(clean);
            }
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
