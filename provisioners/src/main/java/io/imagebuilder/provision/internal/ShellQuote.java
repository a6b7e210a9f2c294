package io.imagebuilder.provision.internal;

/** POSIX shell quoting: every value becomes one single-quoted word, whatever it contains. */
public final class ShellQuote {

    private ShellQuote() {
    }

    public static String quote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
