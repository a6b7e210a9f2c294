package io.imagebuilder.glance.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One running digest (md5 or sha512, as Glance computes them) of data in direct buffers. Where the system's
 * libcrypto loads, OpenSSL computes it (JNA direct mapping, reading the buffer in place): its sha512 takes less
 * CPU than the JDK's, and the JDK would need the bytes copied on the heap; on a machine that also runs Glance
 * (which hashes the same bytes twice itself) CPU is what an upload waits for. Otherwise the JDK's
 * MessageDigest; both give the same hex, which the tests check.
 */
abstract class Digest implements AutoCloseable {

    /** Takes in the bytes from {@code data}'s position to its limit (a direct buffer), leaving it as it was. */
    abstract void update(ByteBuffer data);

    /** The hex digest; the digest cannot be updated after. */
    abstract String hex();

    @Override
    public void close() {
    }

    /** {@code algorithm}: "MD5" or "SHA-512". */
    static Digest of(String algorithm) throws NoSuchAlgorithmException {
        return OpenSsl.AVAILABLE ? new OpenSsl(algorithm) : jdk(algorithm);
    }

    static Digest jdk(String algorithm) throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance(algorithm);
        return new Digest() {
            @Override
            void update(ByteBuffer data) {
                d.update(data.duplicate());
            }

            @Override
            String hex() {
                return HexFormat.of().formatHex(d.digest());
            }
        };
    }

    /** Whether digests come from OpenSSL here. */
    static boolean openSsl() {
        return OpenSsl.AVAILABLE;
    }

    /** OpenSSL's EVP digest API (1.1 and 3 alike). */
    static final class OpenSsl extends Digest {
        static final boolean AVAILABLE = load();

        private static boolean load() {
            if (Boolean.getBoolean("imagebuilder.glance.jdkDigests")) {
                return false;
            }
            // libcrypto.so is only there with the -dev package; the runtime has the versioned names
            for (String name : List.of("crypto", "libcrypto.so.3", "libcrypto.so.1.1")) {
                try {
                    Native.register(OpenSsl.class, NativeLibrary.getInstance(name));
                    Pointer ctx = EVP_MD_CTX_new();
                    EVP_MD_CTX_free(ctx);
                    return true;
                } catch (LinkageError | RuntimeException e) {
                    // next name; in the end the JDK's digests
                }
            }
            return false;
        }

        private final Pointer ctx;
        private final int size;
        private boolean freed;

        OpenSsl(String algorithm) {
            Pointer md = switch (algorithm) {
                case "MD5" -> EVP_md5();
                case "SHA-512" -> EVP_sha512();
                default -> throw new IllegalArgumentException(algorithm);
            };
            size = algorithm.equals("MD5") ? 16 : 64;
            ctx = EVP_MD_CTX_new();
            if (ctx == null || EVP_DigestInit_ex(ctx, md, null) != 1) {
                throw new IllegalStateException("OpenSSL cannot start " + algorithm);
            }
        }

        @Override
        void update(ByteBuffer data) {
            if (!data.isDirect()) {
                throw new IllegalArgumentException("OpenSSL digests read direct buffers only");
            }
            Pointer start = Native.getDirectBufferPointer(data).share(data.position());
            if (EVP_DigestUpdate(ctx, start, data.remaining()) != 1) {
                throw new IllegalStateException("EVP_DigestUpdate failed");
            }
        }

        @Override
        String hex() {
            byte[] out = new byte[64];
            int[] len = new int[1];
            if (EVP_DigestFinal_ex(ctx, out, len) != 1 || len[0] != size) {
                throw new IllegalStateException("EVP_DigestFinal_ex failed");
            }
            return HexFormat.of().formatHex(out, 0, size);
        }

        @Override
        public void close() {
            if (!freed) {
                freed = true;
                EVP_MD_CTX_free(ctx);
            }
        }

        static native Pointer EVP_MD_CTX_new();

        static native void EVP_MD_CTX_free(Pointer ctx);

        static native Pointer EVP_md5();

        static native Pointer EVP_sha512();

        static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

        static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long count);

        static native int EVP_DigestFinal_ex(Pointer ctx, byte[] md, int[] size);
    }
}
