package io.imagebuilder.http;

import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.internal.steps.Checksums;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Checksum;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Files downloaded once and kept between builds (ISOs, disk images, pinned packages), checked against their
 * digest each time they are used: a cached file that no longer matches is downloaded again.
 */
public final class DownloadCache {

    private DownloadCache() {
    }

    /** The cached copy of {@code url} in {@code dir}, downloaded first when missing or not matching. */
    public static Path fetch(String url, Optional<Checksum.Digest> expected, Path dir, StepContext ctx)
            throws Exception {
        Path file = dir.resolve(cacheName(url));
        if (Files.exists(file) && expected.isPresent()
                && !Checksums.digest(file, expected.get().jdkAlgorithm()).equals(expected.get().hex())) {
            ctx.info("cached " + file + " does not match " + expected.get() + ": downloading it again");
            Files.delete(file);
        }
        if (Files.exists(file)) {
            ctx.info("using cached " + file + " for " + url);
        } else {
            download(url, file, ctx);
        }
        if (expected.isPresent()) {
            ctx.info("checking " + file.getFileName() + " against " + expected.get());
            try {
                Checksums.verify(file, expected.get());
            } catch (IOException e) {
                Files.delete(file); // never keep a file that failed its check
                throw new IOException(url + ": " + e.getMessage(), e);
            }
        }
        return file;
    }

    /** Follows redirects, through the proxies the environment names (https_proxy, no_proxy, ...). */
    public static HttpClient client() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(EnvironmentProxies.of(System.getenv())).build();
    }

    private static void download(String url, Path target, StepContext ctx) throws Exception {
        Files.createDirectories(target.getParent());
        Path part = ImageFiles.partOf(target);
        HttpResponse<InputStream> response = client().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("download of " + url + " failed: HTTP " + response.statusCode());
        }
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        ctx.info("downloading " + url + (total > 0 ? " (" + total / (1 << 20) + " MiB)" : ""));
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            long reported = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                ctx.cancellation().check();
                out.write(buf, 0, n);
                done += n;
                if (done - reported >= (8 << 20)) {
                    ctx.progress(done, total);
                    reported = done;
                }
            }
            ctx.progress(done, total);
        } catch (Exception e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String cacheName(String url) throws NoSuchAlgorithmException {
        String base = url.substring(url.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 8) + "-" + (base.isEmpty() ? "download" : base);
    }
}
