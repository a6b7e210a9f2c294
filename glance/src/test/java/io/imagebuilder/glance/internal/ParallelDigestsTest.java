package io.imagebuilder.glance.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParallelDigestsTest {

    @Test
    void matchesSequentialDigestsOnOneThread() throws Exception {
        check(1);
    }

    @Test
    void matchesSequentialDigestsOnTwoThreads() throws Exception {
        check(2);
    }

    private static void check(int threads) throws Exception {
        byte[] data = new byte[5_000_000];
        new Random(7).nextBytes(data);
        List<String> got;
        try (ParallelDigests d = new ParallelDigests(4096, threads, "MD5", "SHA-512")) {
            int off = 0;
            Random sizes = new Random(8);
            while (off < data.length) { // uneven chunks, far more chunks than buffers
                ByteBuffer buf = d.take();
                int n = Math.min(data.length - off, 1 + sizes.nextInt(buf.capacity()));
                buf.put(data, off, n);
                d.release(d.submit(buf));
                off += n;
            }
            got = d.finish();
        }
        HexFormat hex = HexFormat.of();
        assertEquals(List.of(hex.formatHex(MessageDigest.getInstance("MD5").digest(data)),
                hex.formatHex(MessageDigest.getInstance("SHA-512").digest(data))), got);
    }

    @Test
    void emptyInputGivesTheEmptyDigests() throws Exception {
        try (ParallelDigests d = new ParallelDigests(16, 1, "MD5")) {
            assertEquals(List.of("d41d8cd98f00b204e9800998ecf8427e"), d.finish());
        }
    }
}
