package io.imagebuilder.glance.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DigestTest {

    @Test
    void openSslIsUsedWhereLibcryptoIsInstalled() {
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")), "no libcrypto.so.3 here");
        assertTrue(Digest.openSsl(), "libcrypto.so.3 is installed, yet the JDK's digests are used");
    }

    @Test
    void openSslAndTheJdkAgreeOnEveryChunking() throws Exception {
        assumeTrue(Digest.openSsl(), "no libcrypto here");
        byte[] data = new byte[3_000_017];
        new Random(5).nextBytes(data);
        for (String algorithm : new String[] {"MD5", "SHA-512"}) {
            try (Digest ours = new Digest.OpenSsl(algorithm); Digest jdk = Digest.jdk(algorithm)) {
                Random sizes = new Random(6);
                int off = 0;
                ByteBuffer all = ByteBuffer.allocateDirect(data.length).put(data).flip();
                while (off < data.length) { // uneven chunks at every offset, some empty
                    int n = Math.min(data.length - off, sizes.nextInt(70_000));
                    ByteBuffer chunk = all.duplicate().position(off).limit(off + n);
                    ours.update(chunk);
                    jdk.update(chunk);
                    assertEquals(off, chunk.position(), "the buffer is left as it was");
                    off += n;
                }
                assertEquals(jdk.hex(), ours.hex(), algorithm);
            }
        }
    }

    @Test
    void openSslRefusesAHeapBuffer() {
        assumeTrue(Digest.openSsl(), "no libcrypto here");
        try (Digest d = new Digest.OpenSsl("MD5")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> d.update(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void theEmptyInputGivesTheKnownDigests() throws Exception {
        for (Digest d : new Digest[] {Digest.of("MD5"), Digest.jdk("MD5")}) {
            try (d) {
                assertEquals("d41d8cd98f00b204e9800998ecf8427e", d.hex());
            }
        }
        try (Digest d = Digest.of("SHA-512")) {
            assertTrue(d.hex().startsWith("cf83e1357eefb8bdf1542850d66d8007"), "sha512 of nothing");
        }
    }
}
