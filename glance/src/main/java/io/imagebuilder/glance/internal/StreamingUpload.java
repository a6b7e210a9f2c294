package io.imagebuilder.glance.internal;

import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.pipeline.StepContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * PUTs a file to /v2/images/{id}/file as one fixed-length stream, chunk by chunk, computing md5 and sha512
 * on the way: the image is never held in memory nor copied (unlike openstack4j's connectors).
 */
public final class StreamingUpload {

    private static final int CHUNK = 1 << 20;
    private static final long PROGRESS_EVERY = 16L << 20;
    /**
     * Threads for md5 + sha512 (property imagebuilder.glance.hashThreads). One thread hashes both at ~350 MB/s,
     * faster than a Glance takes data; on a 2-core machine that also runs Glance a second one would only take
     * CPU from it. With 4+ cores (or a remote Glance) two threads keep hashing off the critical path.
     */
    private static final int HASH_THREADS = Integer.getInteger("imagebuilder.glance.hashThreads",
            Runtime.getRuntime().availableProcessors() >= 4 ? 2 : 1);

    private StreamingUpload() {
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
            con = (HttpURLConnection) uri.toURL().openConnection();
            con.setRequestMethod("PUT");
            con.setDoOutput(true);
            con.setConnectTimeout(30_000);
            con.setReadTimeout(600_000); // Glance answers after it has stored and hashed everything
            con.setFixedLengthStreamingMode(total);
            con.setRequestProperty("Content-Type", "application/octet-stream");
            con.setRequestProperty("X-Auth-Token", access.token().reveal());
            con.setRequestProperty("X-OpenStack-Image-Size", Long.toString(total)); // lets Glance pre-allocate
            long done = send(in, con, digests, total, ctx);
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

    /** Streams the file chunk by chunk; each chunk is hashed (on the digest threads) while it is sent. */
    private static long send(FileChannel in, HttpURLConnection con, ParallelDigests digests, long total,
                             StepContext ctx) throws IOException, InterruptedException {
        long done = 0;
        long lastReport = 0;
        ctx.progress(0, total);
        try (InputStream data = Channels.newInputStream(in); OutputStream out = con.getOutputStream()) {
            while (true) {
                byte[] buf = digests.take();
                int n = data.read(buf);
                if (n <= 0) {
                    digests.giveBack(buf);
                    return done;
                }
                ctx.cancellation().check();
                ParallelDigests.Chunk chunk = digests.submit(buf, n);
                out.write(buf, 0, n);
                digests.release(chunk);
                done += n;
                if (done - lastReport >= PROGRESS_EVERY || done == total) {
                    ctx.progress(done, total);
                    lastReport = done;
                }
            }
        }
    }
}
