package io.imagebuilder.internal.provision;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for every command and script the build writes: one single-quoted word per value. */
public final class ShellQuote {

    private ShellQuote() {
    }

    /** The value as one word the shell takes literally, whatever it contains. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    /** Each value quoted, separated by spaces. */
    public static String quoteAll(List<String> values) {
        return values.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
