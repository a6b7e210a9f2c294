package io.imagebuilder.glance.internal;

import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.pipeline.StepContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PUTs a file to /v2/images/{id}/file as one fixed-length stream, chunk by chunk, computing md5 and sha512
 * on the way: the image is never held in memory nor copied (unlike openstack4j's connectors).
 */
public final class StreamingUpload {

    private static final int CHUNK = 1 << 20;
    private static final long PROGRESS_EVERY = 16L << 20;
    /**
     * Threads for md5 + sha512 (property imagebuilder.glance.hashThreads): one per digest. One thread for both
     * is not much faster than a loopback Glance takes data, so whenever Glance preempts it the upload waits for
     * a free buffer; two keep up with room to spare, for the same CPU in all.
     */
    private static final int HASH_THREADS = Integer.getInteger("imagebuilder.glance.hashThreads", 2);

    /** Glance taking no data this long (property imagebuilder.glance.stallSeconds) ends the upload. */
    private static final long STALL_SECONDS = Long.getLong("imagebuilder.glance.stallSeconds", 300);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "glance-upload-watchdog");
        t.setDaemon(true);
        return t;
    });

    private StreamingUpload() {
    }

    /**
     * Watches one upload: a write blocked on a Glance that stopped reading sees neither a cancel nor a
     * timeout (HttpURLConnection has no write timeout), so this drops the connection under it.
     */
    private static final class Watch implements AutoCloseable {
        final AtomicLong sent = new AtomicLong();
        volatile String droppedBecause;
        private final ScheduledFuture<?> task;

        Watch(HttpURLConnection con, StepContext ctx) {
            long[] last = {-1, System.nanoTime()};
            task = WATCHDOG.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                if (sent.get() != last[0]) {
                    last[0] = sent.get();
                    last[1] = now;
                } else if (now - last[1] > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
                    drop(con, "Glance took no data for " + STALL_SECONDS + " s");
                }
                if (ctx.cancellation().isCancelled()) {
                    drop(con, "cancelled");
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
        }

        private void drop(HttpURLConnection con, String why) {
            if (droppedBecause == null) {
                droppedBecause = why;
                con.disconnect();
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /**
     * Starts loading the native digests (JNA, libcrypto) on another thread: called before authenticating, the
     * load is done by the time the upload starts instead of delaying it.
     */
    public static void prepare() {
        Thread t = new Thread(Digest::openSsl, "glance-digest-loader");
        t.setDaemon(true);
        t.start();
    }

    /** md5 and sha512 (hex) of what was sent. */
    public record Digests(String md5, String sha512, long size) {
    }

    public static Digests put(GlanceAccess access, String imageId, Path file, StepContext ctx) {
        URI uri = access.v2("images/" + imageId + "/file");
        HttpURLConnection con = null;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             ParallelDigests digests = new ParallelDigests(CHUNK, HASH_THREADS, "MD5", "SHA-512")) {
            long total = in.size();
            con = access.transport().open(uri);
            con.setRequestMethod("PUT");
            con.setDoOutput(true);
            con.setConnectTimeout(30_000);
            con.setReadTimeout(600_000); // Glance answers after it has stored and hashed everything
            con.setFixedLengthStreamingMode(total);
            con.setRequestProperty("Content-Type", "application/octet-stream");
            con.setRequestProperty("X-Auth-Token", access.token().reveal());
            con.setRequestProperty("X-OpenStack-Image-Size", Long.toString(total)); // lets Glance pre-allocate
            long done;
            try (Watch watch = new Watch(con, ctx)) {
                try {
                    done = send(in, con, digests, total, watch.sent, ctx);
                } catch (IOException e) {
                    if ("cancelled".equals(watch.droppedBecause)) {
                        throw new CancellationException("upload cancelled");
                    }
                    if (watch.droppedBecause != null) {
                        throw new GlancePublishException("upload", "PUT " + uri + ": " + watch.droppedBecause, -1,
                                e);
                    }
                    throw new GlancePublishException("upload", "PUT " + uri + " of " + file + " failed: " + e
                            + answerAfterWriteFailure(con), -1, e);
                }
            }
            if (done != total) {
                throw new GlancePublishException("upload", file + " changed size while uploading");
            }
            int status = con.getResponseCode();
            if (status != 204) {
                InputStream err = con.getErrorStream();
                String body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
                throw new GlancePublishException("upload", "PUT " + uri + ": HTTP " + status + " "
                        + GlanceClient.summary(body), status, null);
            }
            List<String> hex = digests.finish();
            return new Digests(hex.get(0), hex.get(1), total);
        } catch (IOException e) {
            throw new GlancePublishException("upload", "PUT " + uri + " of " + file + " failed: " + e, -1, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("upload interrupted");
        } finally {
            if (con != null) {
                con.disconnect();
            }
        }
    }

    /** What Glance said before it stopped reading (401, 413...), when it said anything. */
    private static String answerAfterWriteFailure(HttpURLConnection con) {
        try {
            int status = con.getResponseCode();
            InputStream err = con.getErrorStream();
            String body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
            return "; Glance answered HTTP " + status + " " + GlanceClient.summary(body);
        } catch (IOException | RuntimeException nothing) {
            return "";
        }
    }

    /**
     * Streams the file chunk by chunk: each is read into a direct buffer, hashed there (on the digest threads)
     * while a copy goes to the socket (HttpURLConnection takes arrays).
     */
    private static long send(FileChannel in, HttpURLConnection con, ParallelDigests digests, long total,
                             AtomicLong sent, StepContext ctx) throws IOException, InterruptedException {
        long done = 0;
        long lastReport = 0;
        byte[] out = new byte[CHUNK];
        ctx.progress(0, total);
        try (OutputStream socket = con.getOutputStream()) {
            while (true) {
                ByteBuffer buf = digests.take();
                if (readFully(in, buf) == 0) {
                    digests.giveBack(buf);
                    return done;
                }
                ctx.cancellation().check();
                ParallelDigests.Chunk chunk = digests.submit(buf);
                int n = chunk.data.limit();
                chunk.data.get(0, out, 0, n);
                digests.release(chunk);
                socket.write(out, 0, n);
                done += n;
                sent.set(done);
                if (done - lastReport >= PROGRESS_EVERY || done == total) {
                    ctx.progress(done, total);
                    lastReport = done;
                }
            }
        }
    }

    /** Fills {@code buf} from {@code in} unless the file ends first; returns the bytes read. */
    private static int readFully(FileChannel in, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                break;
            }
        }
        return buf.position();
    }
}
