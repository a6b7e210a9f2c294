package io.imagebuilder.template.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the value forms templates use; each throws IllegalArgumentException with a message for the user. */
final class Values {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:I?B)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private Values() {}

    /** "2048", "2048M", "2G", "2GiB" to megabytes; a bare number is already megabytes (Packer's rule). */
    static long megabytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 2048, 2048M, 2G)");
        }
        double n = Double.parseDouble(m.group(1));
        double mb = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> n / 1024;
            case "G" -> n * 1024;
            case "T" -> n * 1024 * 1024;
            default -> n;
        };
        return Math.round(mb);
    }

    /** Go-style durations as Packer writes them: "30m", "1h30m", "10s", "100ms"; a bare number is seconds. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = DURATION_PART.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (m.find() && m.start() == pos) {
            double n = Double.parseDouble(m.group(1));
            long millis = Math.round(n * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1000;
                default -> 1;
            });
            total = total.plusMillis(millis);
            pos = m.end();
        }
        if (pos == 0 || pos != t.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 10s, 30m, 1h30m, 100ms)");
        }
        return total;
    }

    /** An enum parser whose error lists the allowed values instead of Java's "No enum constant". */
    static <T> java.util.function.Function<String, T> oneOf(java.util.function.Function<String, T> parse,
                                                            String allowed) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not one of " + allowed);
            }
        };
    }

    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0", "" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    static int integer(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    /** A URL with a scheme (http:, https:, ...), as opposed to a local path. */
    static boolean isUrl(String s) {
        return s.matches("[A-Za-z][A-Za-z0-9+.-]+://.*");
    }
}
