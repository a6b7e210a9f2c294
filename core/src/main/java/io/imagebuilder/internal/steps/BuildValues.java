package io.imagebuilder.internal.steps;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packer's build-time template values, known only once the build runs: {@code {{ .HTTPIP }}},
 * {@code {{ .HTTPPort }}}, {@code {{ .Name }}}, plus our {@code {{ .SSHPublicKey }}}.
 */
final class BuildValues {

    /** What the guest sees the host's loopback as under QEMU user networking. */
    static final String GUEST_VIEW_OF_HOST = "10.0.2.2";

    private static final Pattern VALUE = Pattern.compile("\\{\\{\\s*\\.(\\w+)\\s*}}");

    private BuildValues() {
    }

    /** Replaces every known {@code {{ .Key }}}; unknown ones are left as written. */
    static String substitute(String text, Map<String, String> values) {
        Matcher m = VALUE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
