package io.imagebuilder.internal.steps;

import io.imagebuilder.http.DownloadCache;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Checksum;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
            file = DownloadCache.fetch(location, expected, cacheDir.resolve("downloads"), ctx);
        } else {
            file = Path.of(location.startsWith("file://") ? URI.create(location).getPath() : location);
            if (!Files.isRegularFile(file)) {
                throw new IOException("source file " + file + " does not exist");
            }
        }
        if (expected.isPresent() && !isUrl(location)) {
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
            HttpResponse<String> response = DownloadCache.client().send(
                    HttpRequest.newBuilder(URI.create(list)).build(),
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

    private static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }
}
