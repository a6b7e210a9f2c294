package io.imagebuilder.internal.steps;

import io.imagebuilder.http.EnvironmentProxies;
import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.pipeline.Step;
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
 * Makes the ISO or disk image the source names available as a local file: a path is checked as is, a URL is
 * downloaded once into the cache (kept between builds) and checked against the template's checksum.
 */
final class FetchSourceStep implements Step {

    private final String location;
    private final Optional<Checksum> checksum;
    private final Path cacheDir;

    FetchSourceStep(String location, Optional<Checksum> checksum, Path cacheDir) {
        this.location = location;
        this.checksum = checksum;
        this.cacheDir = cacheDir;
    }

    @Override
    public String name() {
        return "fetch-source";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Optional<Checksum.Digest> expected = checksum.isEmpty() ? Optional.empty() : Optional.of(expected(ctx));
        Path file;
        if (isUrl(location)) {
            file = cacheDir.resolve("downloads").resolve(cacheName(location));
            if (Files.exists(file) && expected.isPresent() && !matches(file, expected.get())) {
                ctx.info("cached " + file + " does not match " + expected.get() + ": downloading it again");
                Files.delete(file);
            }
            if (Files.exists(file)) {
                ctx.info("using cached " + file + " for " + location);
            } else {
                download(location, file, ctx);
            }
        } else {
            file = Path.of(location.startsWith("file://") ? URI.create(location).getPath() : location);
            if (!Files.isRegularFile(file)) {
                throw new IOException("source file " + file + " does not exist");
            }
        }
        if (expected.isPresent()) {
            ctx.info("checking " + file.getFileName() + " against " + expected.get());
            Checksums.verify(file, expected.get());
        }
        ctx.put(BuildKeys.SOURCE_FILE, file);
    }

    /** The digest to check against; a checksum list is read (or downloaded) and its line for the source used. */
    private Checksum.Digest expected(StepContext ctx) throws Exception {
        if (checksum.get() instanceof Checksum.Digest d) {
            return d;
        }
        String list = ((Checksum.SumsFile) checksum.get()).location();
        String text;
        if (isUrl(list)) {
            ctx.info("reading checksums from " + list);
            HttpResponse<String> response = client().send(HttpRequest.newBuilder(URI.create(list)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("download of checksum list " + list + " failed: HTTP "
                        + response.statusCode());
            }
            text = response.body();
        } else {
            text = Files.readString(Path.of(list));
        }
        String name = location.substring(location.lastIndexOf('/') + 1);
        return Checksums.fromList(text, name).orElseThrow(() -> new IOException(
                "checksum list " + list + " has no line for " + name));
    }

    private static boolean matches(Path file, Checksum.Digest expected) throws IOException {
        return Checksums.digest(file, expected.jdkAlgorithm()).equals(expected.hex());
    }

    /** Follows redirects, through the proxies the environment names (https_proxy, no_proxy, ...). */
    private static HttpClient client() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(EnvironmentProxies.of(System.getenv())).build();
    }

    private static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
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
