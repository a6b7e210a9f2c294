package io.imagebuilder.qemu.internal.qcow2;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.qemu.internal.QemuImg;
import io.imagebuilder.qemu.internal.QemuImgInfo;
import io.imagebuilder.template.Output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a compressed qcow2 of a disk (flattening its backing chain) in one pass, compressing clusters on
 * every core. It is what {@code qemu-img convert -c -W} does, with the cores kept busier: the disk's data is
 * read straight from the image files (positions from {@code qemu-img map}), each worker reads, skips zero
 * clusters and compresses with the same library calls QEMU makes, and one thread writes the results in order,
 * packed. A cluster that does not compress is stored as compressed data too (deflate's stored blocks), so
 * nothing is padded to a cluster boundary. The result is a plain qcow2 v3 any QEMU reads.
 */
public final class CompressedQcow2Writer {

    private static final int CLUSTER = Qcow2Layout.CLUSTER_SIZE;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CLUSTER).asReadOnlyBuffer();

    private final Output.Compression compression;
    private final int threads;

    public CompressedQcow2Writer(Output.Compression compression, int threads) {
        if (compression == Output.Compression.NONE) {
            throw new IllegalArgumentException("only for compressed output");
        }
        this.compression = compression;
        this.threads = Math.max(1, threads);
    }

    /**
     * Whether this writer can do the conversion: the system library loads and every data cluster of the
     * source chain is stored uncompressed. Empty when qemu-img has to.
     */
    public static Optional<SourceReader> prepare(Path source, QemuImgInfo info, Output output, QemuImg img)
            throws IOException {
        if (output.format() != Output.Format.QCOW2 || output.compression() == Output.Compression.NONE) {
            return Optional.empty();
        }
        // loading the library (JNA's first use is slow) overlaps with qemu-img map
        CompletableFuture<Boolean> library = CompletableFuture.supplyAsync(
                () -> ClusterCompressor.available(output.compression()));
        Optional<SourceExtents> extents = SourceExtents.of(source, info, img);
        return library.join() ? extents.map(SourceReader::new) : Optional.empty();
    }

    /** The source's data, grouped by the output cluster it falls in. */
    public static final class SourceReader {
        private final SourceExtents extents;
        /** Guest cluster index to the pieces of data in it, in order. */
        private final Map<Integer, List<SourceExtents.Extent>> byCluster = new HashMap<>();
        private final List<Integer> clusters = new ArrayList<>();

        SourceReader(SourceExtents extents) {
            this.extents = extents;
            for (SourceExtents.Extent e : extents.data()) {
                for (long c = e.start() / CLUSTER; c <= (e.start() + e.length() - 1) / CLUSTER; c++) {
                    List<SourceExtents.Extent> pieces = byCluster.computeIfAbsent((int) c, k -> {
                        clusters.add(k);
                        return new ArrayList<>();
                    });
                    pieces.add(e);
                }
            }
            clusters.sort(null);
        }

        long virtualSize() {
            return extents.virtualSize();
        }

        /** Bytes of data the source holds (what there is to compress). */
        public long dataBytes() {
            return extents.data().stream().mapToLong(SourceExtents.Extent::length).sum();
        }
    }

    /** One cluster's result: its compressed bytes in {@code out}, or nothing when it is all zeros. */
    private record Compressed(int index, ByteBuffer in, ByteBuffer out, int length) {
    }

    /** Writes {@code target}, reporting progress as bytes of source data done of the total. */
    public void write(SourceReader source, Path target, StepContext ctx) throws IOException {
        Qcow2Layout layout = new Qcow2Layout(source.virtualSize(), compression == Output.Compression.ZSTD);
        Map<Path, FileChannel> files = new HashMap<>();
        int window = threads * 4;
        BlockingQueue<ByteBuffer[]> buffers = new ArrayBlockingQueue<>(window + 1);
        for (int i = 0; i <= window; i++) {
            buffers.add(new ByteBuffer[] {ByteBuffer.allocateDirect(CLUSTER),
                    ByteBuffer.allocateDirect(ClusterCompressor.OUTPUT_CAPACITY)});
        }
        ThreadLocal<ClusterCompressor> compressors = new ThreadLocal<>();
        List<ClusterCompressor> made = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qcow2-compress");
            t.setDaemon(true);
            return t;
        });
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (SourceExtents.Extent e : source.extents.data()) {
                if (!files.containsKey(e.file())) {
                    files.put(e.file(), FileChannel.open(e.file(), StandardOpenOption.READ));
                }
            }
            long total = source.dataBytes();
            long position = Qcow2Layout.dataStart();
            Deque<Future<Compressed>> inFlight = new ArrayDeque<>();
            int next = 0;
            int done = 0;
            long lastReport = 0;
            ctx.progress(0, total);
            while (done < source.clusters.size()) {
                while (next < source.clusters.size() && inFlight.size() < window) {
                    int index = source.clusters.get(next++);
                    ByteBuffer[] pair = buffers.take();
                    List<SourceExtents.Extent> pieces = source.byCluster.get(index);
                    inFlight.add(pool.submit(() -> compress(index, pieces, pair, files, compressors, made)));
                }
                Compressed c = inFlight.removeFirst().get();
                ctx.cancellation().check();
                if (c.length > 0) {
                    c.out.limit(c.length).position(0);
                    long at = position;
                    while (c.out.hasRemaining()) {
                        at += out.write(c.out, at);
                    }
                    layout.compressed(c.index, position, c.length);
                    position = at;
                }
                buffers.add(new ByteBuffer[] {c.in, c.out});
                done++;
                long bytesDone = total * done / source.clusters.size();
                if (bytesDone - lastReport >= (32L << 20) || done == source.clusters.size()) {
                    ctx.progress(bytesDone, total);
                    lastReport = bytesDone;
                }
            }
            layout.finish(out, position);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while compressing " + target);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("compressing " + target + " failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (made) {
                made.forEach(ClusterCompressor::close);
            }
            for (FileChannel f : files.values()) {
                f.close();
            }
        }
    }

    /** Reads guest cluster {@code index} from its pieces, and compresses it unless it is all zeros. */
    private Compressed compress(int index, List<SourceExtents.Extent> pieces, ByteBuffer[] pair,
                                Map<Path, FileChannel> files, ThreadLocal<ClusterCompressor> compressors,
                                List<ClusterCompressor> made) {
        ByteBuffer in = pair[0];
        ByteBuffer out = pair[1];
        long clusterStart = (long) index * CLUSTER;
        in.clear();
        long covered = 0;
        for (SourceExtents.Extent e : pieces) {
            covered += Math.min(clusterStart + CLUSTER, e.start() + e.length()) - Math.max(clusterStart, e.start());
        }
        if (covered < CLUSTER) {
            in.put(ZEROS.duplicate()); // parts no extent covers read as zeros
        }
        try {
            for (SourceExtents.Extent e : pieces) {
                long from = Math.max(clusterStart, e.start());
                long to = Math.min(clusterStart + CLUSTER, e.start() + e.length());
                in.limit((int) (to - clusterStart)).position((int) (from - clusterStart));
                long at = e.offset() + (from - e.start());
                FileChannel f = files.get(e.file());
                while (in.hasRemaining()) {
                    int n = f.read(in, at);
                    if (n < 0) {
                        break; // past the end of the file: zeros, as QEMU reads it
                    }
                    at += n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        in.clear();
        if (in.mismatch(ZEROS.duplicate()) == -1) { // qemu-img skips zero clusters too
            return new Compressed(index, in, out, 0);
        }
        ClusterCompressor c = compressors.get();
        if (c == null) {
            c = ClusterCompressor.of(compression);
            compressors.set(c);
            synchronized (made) {
                made.add(c);
            }
        }
        out.clear();
        return new Compressed(index, in, out, c.compress(in, CLUSTER, out));
    }

}
