package io.imagebuilder.qemu.internal.qcow2;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.imagebuilder.template.Output;

import java.nio.ByteBuffer;

/**
 * Compresses one qcow2 cluster as QEMU does (qcow2-threads.c), with the same system libraries QEMU links,
 * called through JNA direct mapping: zlib raw deflate at the default level with a 4 KiB window (QEMU inflates
 * with windowBits -12), byte for byte what qemu-img writes; zstd at level 2 (see {@link Zstd#LEVEL}). A zlib
 * cluster of random-looking bytes is stored as deflate's stored blocks without trying: deflate would only find
 * that out slowly. One instance per thread.
 */
abstract class ClusterCompressor implements AutoCloseable {

    /** Room for any cluster's output: deflate's and zstd's bound for 64 KiB, rounded up. */
    static final int OUTPUT_CAPACITY = 65536 + 4096;

    /** Compresses {@code in} (from 0, {@code length} bytes) into {@code out} (from 0); returns the output length. */
    abstract int compress(ByteBuffer in, int length, ByteBuffer out);

    @Override
    public abstract void close();

    static ClusterCompressor of(Output.Compression compression) {
        return switch (compression) {
            case ZLIB -> new Zlib();
            case ZSTD -> new Zstd();
            case NONE -> throw new IllegalArgumentException("no compression");
        };
    }

    /** Whether the system library for {@code compression} loads here (else qemu-img does the job). */
    static boolean available(Output.Compression compression) {
        try (ClusterCompressor c = of(compression)) {
            return c != null;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** libz, as QEMU calls it. */
    static final class LibZ {
        static {
            Native.register("z");
        }

        private LibZ() {
        }

        static native String zlibVersion();

        static native int deflateInit2_(Pointer strm, int level, int method, int windowBits, int memLevel,
                                        int strategy, String version, int streamSize);

        static native int deflate(Pointer strm, int flush);

        static native int deflateReset(Pointer strm);

        static native int deflateEnd(Pointer strm);
    }

    /** libzstd's one-shot compression. */
    static final class LibZstd {
        static {
            Native.register("zstd");
        }

        private LibZstd() {
        }

        static native Pointer ZSTD_createCCtx();

        static native long ZSTD_compressCCtx(Pointer cctx, Pointer dst, long dstCapacity, Pointer src, long srcSize,
                                             int level);

        static native int ZSTD_isError(long code);

        static native String ZSTD_getErrorName(long code);

        static native long ZSTD_freeCCtx(Pointer cctx);
    }

    private static final class Zlib extends ClusterCompressor {
        private static final int Z_DEFAULT_COMPRESSION = -1;
        private static final int Z_DEFLATED = 8;
        private static final int WINDOW_BITS = -12; // raw deflate, 4 KiB window: what QEMU writes and reads
        private static final int MEM_LEVEL = 9;
        private static final int Z_FINISH = 4;
        private static final int Z_STREAM_END = 1;
        /** z_stream on LP64: next_in, avail_in, total_in, next_out, avail_out, ...; 112 bytes in all. */
        private static final int SIZEOF_Z_STREAM = 112;
        private static final int NEXT_IN = 0;
        private static final int AVAIL_IN = 8;
        private static final int NEXT_OUT = 24;
        private static final int AVAIL_OUT = 32;
        /** Bits per byte above which a cluster is taken as incompressible (deflate would store it). */
        private static final double STORE_ENTROPY = 7.97;

        private final Memory stream = new Memory(SIZEOF_Z_STREAM);
        private final int[] counts = new int[256 * 4];

        Zlib() {
            stream.clear();
            int rc = LibZ.deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WINDOW_BITS, MEM_LEVEL, 0,
                    LibZ.zlibVersion(), SIZEOF_Z_STREAM);
            if (rc != 0) {
                throw new IllegalStateException("deflateInit2 failed: " + rc);
            }
        }

        @Override
        int compress(ByteBuffer in, int length, ByteBuffer out) {
            if (entropy(in, length) > STORE_ENTROPY) {
                return stored(in, length, out);
            }
            LibZ.deflateReset(stream);
            stream.setPointer(NEXT_IN, Native.getDirectBufferPointer(in));
            stream.setInt(AVAIL_IN, length);
            stream.setPointer(NEXT_OUT, Native.getDirectBufferPointer(out));
            stream.setInt(AVAIL_OUT, out.capacity());
            int rc = LibZ.deflate(stream, Z_FINISH);
            if (rc != Z_STREAM_END) {
                throw new IllegalStateException("deflate did not finish: " + rc);
            }
            return out.capacity() - stream.getInt(AVAIL_OUT);
        }

        /** Shannon entropy of the bytes, in bits per byte (8 for random data). */
        private double entropy(ByteBuffer in, int length) {
            java.util.Arrays.fill(counts, 0);
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                long v = in.getLong(i);
                counts[(int) (v & 0xff)]++;
                counts[256 + (int) ((v >>> 8) & 0xff)]++;
                counts[512 + (int) ((v >>> 16) & 0xff)]++;
                counts[768 + (int) ((v >>> 24) & 0xff)]++;
                counts[(int) ((v >>> 32) & 0xff)]++;
                counts[256 + (int) ((v >>> 40) & 0xff)]++;
                counts[512 + (int) ((v >>> 48) & 0xff)]++;
                counts[768 + (int) (v >>> 56)]++;
            }
            for (; i < length; i++) {
                counts[in.get(i) & 0xff]++;
            }
            double bits = 0;
            for (int b = 0; b < 256; b++) {
                int n = counts[b] + counts[256 + b] + counts[512 + b] + counts[768 + b];
                if (n > 0) {
                    double p = (double) n / length;
                    bits -= p * Math.log(p);
                }
            }
            return bits / Math.log(2);
        }

        /** The bytes as deflate stored blocks (5 bytes of header per 65535 bytes), which inflate copies back. */
        private static int stored(ByteBuffer in, int length, ByteBuffer out) {
            out.clear();
            int pos = 0;
            do {
                int n = Math.min(65535, length - pos);
                boolean last = pos + n == length;
                out.put((byte) (last ? 1 : 0)).put((byte) n).put((byte) (n >>> 8))
                        .put((byte) ~n).put((byte) (~n >>> 8));
                out.put(in.duplicate().position(pos).limit(pos + n));
                pos += n;
            } while (pos < length);
            return out.position();
        }

        @Override
        public void close() {
            LibZ.deflateEnd(stream);
        }
    }

    private static final class Zstd extends ClusterCompressor {
        /**
         * Level 2, where qemu-img uses zstd's default 3: level 3 clears three times the tables for every cluster,
         * so level 2 takes clearly less time for slightly more bytes, still fewer than zlib's.
         */
        private static final int LEVEL = 2;

        private final Pointer cctx = LibZstd.ZSTD_createCCtx();

        @Override
        int compress(ByteBuffer in, int length, ByteBuffer out) {
            long n = LibZstd.ZSTD_compressCCtx(cctx, Native.getDirectBufferPointer(out), out.capacity(),
                    Native.getDirectBufferPointer(in), length, LEVEL);
            if (LibZstd.ZSTD_isError(n) != 0) {
                throw new IllegalStateException("zstd: " + LibZstd.ZSTD_getErrorName(n));
            }
            return (int) n;
        }

        @Override
        public void close() {
            LibZstd.ZSTD_freeCCtx(cctx);
        }
    }
}
