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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;

/**
 * PUTs a file to /v2/images/{id}/file as one fixed-length stream, chunk by chunk, computing md5 and sha512
 * on the way: the image is never held in memory nor copied (unlike openstack4j's connectors).
 */
public final class StreamingUpload {

    private static final int CHUNK = 1 << 20;
    private static final long PROGRESS_EVERY = 16L << 20;

    private StreamingUpload() {
    }

    /** md5 and sha512 (hex) of what was sent. */
    public record Digests(String md5, String sha512, long size) {
    }

    public static Digests put(GlanceAccess access, String imageId, Path file, StepContext ctx) {
        URI uri = access.v2("images/" + imageId + "/file");
        HttpURLConnection con = null;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long total = in.size();
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            con = (HttpURLConnection) uri.toURL().openConnection();
            con.setRequestMethod("PUT");
            con.setDoOutput(true);
            con.setConnectTimeout(30_000);
            con.setReadTimeout(600_000); // Glance answers after it has stored and hashed everything
            con.setFixedLengthStreamingMode(total);
            con.setRequestProperty("Content-Type", "application/octet-stream");
            con.setRequestProperty("X-Auth-Token", access.token().reveal());
            con.setRequestProperty("X-OpenStack-Image-Size", Long.toString(total)); // lets Glance pre-allocate
            byte[] buf = new byte[CHUNK];
            long done = 0;
            long lastReport = 0;
            ctx.progress(0, total);
            try (InputStream data = Channels.newInputStream(in); OutputStream out = con.getOutputStream()) {
                int n;
                while ((n = data.read(buf)) > 0) {
                    ctx.cancellation().check();
                    md5.update(buf, 0, n);
                    sha512.update(buf, 0, n);
                    out.write(buf, 0, n);
                    done += n;
                    if (done - lastReport >= PROGRESS_EVERY || done == total) {
                        ctx.progress(done, total);
                        lastReport = done;
                    }
                }
            }
            if (done != total) {
                throw new GlancePublishException("upload", file + " changed size while uploading");
            }
            int status = con.getResponseCode();
            if (status != 204) {
                InputStream err = con.getErrorStream();
                String body = err == null ? "" : new String(err.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                throw new GlancePublishException("upload", "PUT " + uri + ": HTTP " + status + " "
                        + GlanceClient.summary(body), status, null);
            }
            HexFormat hex = HexFormat.of();
            return new Digests(hex.formatHex(md5.digest()), hex.formatHex(sha512.digest()), total);
        } catch (IOException e) {
            throw new GlancePublishException("upload", "PUT " + uri + " of " + file + " failed: " + e, -1, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (CancellationException e) {
            throw e;
        } finally {
            if (con != null) {
                con.disconnect();
            }
        }
    }
}
