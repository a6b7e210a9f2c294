package io.imagebuilder.template;

import java.nio.file.Path;

/** Where a value was written: a file and a 1-based line (0 when unknown, e.g. a template built in Java). */
public record Location(Path file, int line) {

    public static final Location UNKNOWN = new Location(null, 0);

    public static Location of(Path file, int line) {
        return new Location(file, line);
    }

    @Override
    public String toString() {
        if (file == null) {
            return "<java>";
        }
        return line > 0 ? file + ":" + line : file.toString();
    }
}
