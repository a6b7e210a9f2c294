package io.imagebuilder.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test helpers: the template trees under test resources, and small trees written to a temp dir. */
final class Trees {

    static final Map<String, String> ENV = Map.of("VISA_ROOT_PASSWORD", "s3cret-root-pw");

    private Trees() {}

    static Path resource(String name) {
        try {
            return Path.of(Trees.class.getResource("/templates/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TemplateLoader loader() {
        return TemplateLoader.create().environment(ENV);
    }

    /** Writes a file (creating folders) and returns its path. */
    static Path write(Path root, String relative, String text) {
        Path p = root.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
