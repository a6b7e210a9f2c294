package io.imagebuilder.provision.visa;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for values put into generated scripts. */
final class Shell {

    private Shell() {
    }

    /** Single-quotes a value so the shell takes it literally. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Quotes each value, separated by spaces. */
    static String quoteAll(List<String> values) {
        return values.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
