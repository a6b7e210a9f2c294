package io.imagebuilder.qemu.internal.qcow2;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.imagebuilder.template.Output;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Compresses one qcow2 cluster exactly as QEMU does (qcow2-threads.c), through the same system libraries
 * QEMU links (libz, libzstd) called with JNA: zlib raw deflate at the default level with a 4 KiB window
 * (QEMU inflates with windowBits -12), zstd at its default level. One instance per thread.
 */
abstract class ClusterCompressor implements AutoCloseable {

    /** Room for any cluster's output: deflate's and zstd's bound for 64 KiB, rounded up. */
    static final int OUTPUT_CAPACITY = 65536 + 4096;

    /** Compresses {@code in} (position 0, {@code length} bytes) into {@code out}; returns the output length. */
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

    /** zlib's z_stream on LP64 Linux. */
    public static final class ZStream extends Structure {
        public Pointer next_in;
        public int avail_in;
        public NativeLong total_in;
        public Pointer next_out;
        public int avail_out;
        public NativeLong total_out;
        public Pointer msg;
        public Pointer state;
        public Pointer zalloc;
        public Pointer zfree;
        public Pointer opaque;
        public int data_type;
        public NativeLong adler;
        public NativeLong reserved;

        @Override
        protected List<String> getFieldOrder() {
            return List.of("next_in", "avail_in", "total_in", "next_out", "avail_out", "total_out", "msg", "state",
                    "zalloc", "zfree", "opaque", "data_type", "adler", "reserved");
        }
    }

    interface LibZ extends Library {
        LibZ INSTANCE = Native.load("z", LibZ.class);

        String zlibVersion();

        int deflateInit2_(ZStream strm, int level, int method, int windowBits, int memLevel, int strategy,
                          String version, int streamSize);

        int deflate(ZStream strm, int flush);

        int deflateReset(ZStream strm);

        int deflateEnd(ZStream strm);
    }

    interface LibZstd extends Library {
        LibZstd INSTANCE = Native.load("zstd", LibZstd.class);

        Pointer ZSTD_createCCtx();

        NativeLong ZSTD_compressCCtx(Pointer cctx, Pointer dst, NativeLong dstCapacity, Pointer src,
                                     NativeLong srcSize, int level);

        int ZSTD_isError(NativeLong code);

        String ZSTD_getErrorName(NativeLong code);

        NativeLong ZSTD_freeCCtx(Pointer cctx);
    }

    private static final class Zlib extends ClusterCompressor {
        private static final int Z_DEFAULT_COMPRESSION = -1;
        private static final int Z_DEFLATED = 8;
        private static final int WINDOW_BITS = -12; // raw deflate, 4 KiB window: what QEMU writes and reads
        private static final int MEM_LEVEL = 9;
        private static final int Z_FINISH = 4;
        private static final int Z_STREAM_END = 1;

        private final ZStream stream = new ZStream();

        Zlib() {
            int rc = LibZ.INSTANCE.deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WINDOW_BITS, MEM_LEVEL,
                    0, LibZ.INSTANCE.zlibVersion(), stream.size());
            if (rc != 0) {
                throw new IllegalStateException("deflateInit2 failed: " + rc);
            }
        }

        @Override
        int compress(ByteBuffer in, int length, ByteBuffer out) {
            LibZ.INSTANCE.deflateReset(stream);
            stream.next_in = Native.getDirectBufferPointer(in);
            stream.avail_in = length;
            stream.next_out = Native.getDirectBufferPointer(out);
            stream.avail_out = out.capacity();
            int rc = LibZ.INSTANCE.deflate(stream, Z_FINISH);
            if (rc != Z_STREAM_END) {
                throw new IllegalStateException("deflate did not finish: " + rc);
            }
            return out.capacity() - stream.avail_out;
        }

        @Override
        public void close() {
            LibZ.INSTANCE.deflateEnd(stream);
        }
    }

    private static final class Zstd extends ClusterCompressor {
        private static final int DEFAULT_LEVEL = 3; // ZSTD_CLEVEL_DEFAULT, what QEMU uses

        private final Pointer cctx = LibZstd.INSTANCE.ZSTD_createCCtx();

        @Override
        int compress(ByteBuffer in, int length, ByteBuffer out) {
            NativeLong n = LibZstd.INSTANCE.ZSTD_compressCCtx(cctx, Native.getDirectBufferPointer(out),
                    new NativeLong(out.capacity()), Native.getDirectBufferPointer(in), new NativeLong(length),
                    DEFAULT_LEVEL);
            if (LibZstd.INSTANCE.ZSTD_isError(n) != 0) {
                throw new IllegalStateException("zstd: " + LibZstd.INSTANCE.ZSTD_getErrorName(n));
            }
            return n.intValue();
        }

        @Override
        public void close() {
            LibZstd.INSTANCE.ZSTD_freeCCtx(cctx);
        }
    }
}
