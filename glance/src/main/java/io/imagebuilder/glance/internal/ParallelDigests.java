package io.imagebuilder.glance.internal;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Digests of a stream of chunks, computed on background threads so that hashing (md5 + sha512 cost more CPU
 * than sending) overlaps with the upload instead of delaying it. With {@code threads} 1 all digests share one
 * thread; otherwise the algorithms are spread over that many threads. The caller takes a buffer, fills it,
 * submits it, uses it (writes it to the socket) and releases it; a buffer is reused once every user has
 * released it. Memory: {@value #BUFFERS} direct buffers of the given size (read from a file without a copy on
 * the heap, and hashed in place).
 */
final class ParallelDigests implements AutoCloseable {

    static final int BUFFERS = 8;

    /** A filled buffer, shared read-only by the caller and every digest thread. */
    static final class Chunk {
        /** The data, from 0 to its limit; nobody moves its position or limit while it is shared. */
        final ByteBuffer data;
        private final AtomicInteger users;

        private Chunk(ByteBuffer data, int users) {
            this.data = data;
            this.users = new AtomicInteger(users);
        }
    }

    private static final Chunk END = new Chunk(ByteBuffer.allocate(0), 0);

    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final List<Lane> lanes = new ArrayList<>();

    private final List<Digest> digests = new ArrayList<>();

    ParallelDigests(int bufferSize, int threads, String... algorithms) throws NoSuchAlgorithmException {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(ByteBuffer.allocateDirect(bufferSize));
        }
        int n = Math.max(1, Math.min(threads, algorithms.length));
        List<List<Digest>> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < algorithms.length; i++) {
            Digest d = Digest.of(algorithms[i]);
            digests.add(d);
            groups.get(i % n).add(d);
        }
        for (int i = 0; i < n; i++) {
            lanes.add(new Lane(groups.get(i), "glance-digest-" + i));
        }
        lanes.forEach(l -> l.thread.start());
    }

    /** A free, cleared buffer to fill (waits while all are in use). */
    ByteBuffer take() throws InterruptedException {
        return free.take().clear();
    }

    /** Gives back a buffer that was taken but not submitted. */
    void giveBack(ByteBuffer buf) {
        free.add(buf);
    }

    /** Hands what was put in {@code buf} (up to its position) to every digest; call {@link #release} when done. */
    Chunk submit(ByteBuffer buf) throws InterruptedException {
        Chunk c = new Chunk(buf.flip(), lanes.size() + 1);
        for (Lane l : lanes) {
            l.queue.put(c);
        }
        return c;
    }

    void release(Chunk c) {
        if (c.users.decrementAndGet() == 0) {
            free.add(c.data);
        }
    }

    /** Waits for every digest to take in all submitted chunks; hex digests in the order of the algorithms. */
    List<String> finish() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (Lane l : lanes) {
            l.queue.put(END);
        }
        for (Lane l : lanes) {
            l.thread.join();
        }
        for (Digest d : digests) {
            out.add(d.hex());
        }
        return out;
    }

    /** Stops the digest threads (after a failure; after finish() they have already ended). */
    @Override
    public void close() {
        lanes.forEach(l -> l.thread.interrupt());
        for (Lane l : lanes) {
            try {
                l.thread.join(); // a digest is freed only once no thread uses it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // freeing is skipped: a few bytes of native memory, once
            }
        }
        digests.forEach(Digest::close);
    }

    private final class Lane implements Runnable {
        final List<Digest> group;
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(BUFFERS + 1);
        final Thread thread;

        Lane(List<Digest> group, String name) {
            this.group = group;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (Chunk c = queue.take(); c != END; c = queue.take()) {
                    for (Digest d : group) {
                        d.update(c.data);
                    }
                    release(c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed after a failure: the digest is not wanted
            }
        }
    }
}
