package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Renders the text files of an image's http folder (preseed, kickstart, cloud-init) with its variables. Packer's
 * build-time values such as {@code {{ .HTTPIP }}} stay for the build to fill in; binary files (anything with a
 * NUL byte or invalid UTF-8, or over 1 MiB) are served from the folder as they are.
 */
final class HttpContent {

    private static final long MAX_TEXT = 1 << 20;

    private HttpContent() {}

    /** Path relative to {@code dir} with '/' separators, to rendered text. */
    static Map<String, String> render(Path dir, Section.Ctx ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            text(f).ifPresent(t -> out.put(dir.relativize(f).toString().replace('\\', '/'),
                    ctx.renderer().render(t, Location.of(f, 1), ctx.problems())));
        }
        return out;
    }

    private static Optional<String> text(Path f) {
        try {
            if (Files.size(f) > MAX_TEXT) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(f);
            for (byte b : bytes) {
                if (b == 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }
}
