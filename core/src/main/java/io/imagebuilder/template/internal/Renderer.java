package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small part of Jinja2 that templates use: {@code {{ var }}}, {@code {{ var | default('x') }}},
 * {@code {# comments #}} and {@code {% raw %}...{% endraw %}}. Packer's build-time values ({@code {{ .HTTPIP }}}
 * and friends) are left as they are. With packer variables set, a second pass resolves Packer's
 * {@code {{ user `name` }}} after Jinja, as packme's output is read by Packer.
 */
public final class Renderer {

    /** Looks up a variable; empty when it is not defined anywhere. */
    public interface Vars {
        Optional<String> value(String name);
    }

    private static final Pattern RAW_OPEN = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
    private static final Pattern RAW_CLOSE = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");
    private static final Pattern VARIABLE = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]*)(?:\\s*\\|\\s*(?:default|d)\\(\\s*(?:'([^']*)'|\"([^\"]*)\"|([0-9.]+|true|false|True|False))"
                    + "(?:\\s*,\\s*(?:true|false|True|False))?\\s*\\))?");
    private static final Pattern USER = Pattern.compile("user\\s*`([^`]+)`");
    private static final Pattern USER_REF = Pattern.compile("\\{\\{\\s*user\\s*`([^`]+)`\\s*}}");

    private final Vars vars;
    private final Vars packerUser;

    /** @param packerUser Packer's {@code variables} section, or null when {@code {{ user `x` }}} is a plain variable */
    public Renderer(Vars vars, Vars packerUser) {
        this.vars = vars;
        this.packerUser = packerUser;
    }

    public static boolean hasTemplate(String text) {
        return text.contains("{{") || text.contains("{%") || text.contains("{#");
    }

    /** Renders {@code text} written at {@code at}; undefined variables are reported with their line. */
    public String render(String text, Location at, Problems problems) {
        if (!hasTemplate(text)) {
            return text;
        }
        String out = jinja(text, at, problems);
        return packerUser == null ? out : packerPass(out, at, problems);
    }

    private String jinja(String text, Location at, Problems problems) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf('{', i);
            if (open < 0 || open + 1 >= text.length()) {
                out.append(text, i, text.length());
                break;
            }
            char kind = text.charAt(open + 1);
            if (kind != '{' && kind != '%' && kind != '#') {
                out.append(text, i, open + 1);
                i = open + 1;
                continue;
            }
            out.append(text, i, open);
            Location here = lineOf(at, text, open);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            int end = text.indexOf(close, open + 2);
            if (end < 0 && kind == '#') {
                out.append("{#"); // shell's ${#array[@]}, not a comment
                i = open + 2;
                continue;
            }
            if (end < 0) {
                problems.error(here, "unclosed '{" + kind + "' in template text");
                out.append(text, open, text.length());
                break;
            }
            int after = end + 2;
            if (kind == '#') {
                i = after;
            } else if (kind == '%') {
                i = statement(text, open, after, here, out, problems);
            } else {
                out.append(expression(text.substring(open + 2, end).trim(), text.substring(open, after), here,
                        problems));
                i = after;
            }
        }
        return out.toString();
    }

    /** Handles {@code {% raw %}}: copies everything up to {@code {% endraw %}} as it is. */
    private static int statement(String text, int open, int after, Location here, StringBuilder out,
                                 Problems problems) {
        if (!RAW_OPEN.matcher(text).region(open, after).matches()) {
            problems.error(here, "unsupported Jinja statement '" + text.substring(open, after)
                    + "' (only {% raw %}...{% endraw %} is supported)");
            out.append(text, open, after);
            return after;
        }
        Matcher close = RAW_CLOSE.matcher(text);
        if (!close.find(after)) {
            problems.error(here, "{% raw %} without {% endraw %}");
            out.append(text, after, text.length());
            return text.length();
        }
        out.append(text, after, close.start());
        return close.end();
    }

    private String expression(String expr, String original, Location here, Problems problems) {
        if (expr.startsWith(".")) {
            return original; // Packer's build-time values: {{ .HTTPIP }}, {{ .HTTPPort }}, {{ .Name }}
        }
        Matcher user = USER.matcher(expr);
        if (user.matches()) {
            return packerUser != null ? original : lookup(vars, user.group(1), null, original, here, problems);
        }
        Matcher m = VARIABLE.matcher(expr);
        if (!m.matches()) {
            problems.error(here, "unsupported template expression '" + original
                    + "' (use {{ name }} or {{ name | default('value') }})");
            return original;
        }
        String fallback = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
        return lookup(vars, m.group(1), fallback, original, here, problems);
    }

    private String packerPass(String text, Location at, Problems problems) {
        Matcher m = USER_REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = lookup(packerUser, m.group(1), null, m.group(), lineOf(at, text, m.start()), problems);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String lookup(Vars from, String name, String fallback, String original, Location here,
                                 Problems problems) {
        Optional<String> v = from.value(name);
        if (v.isPresent()) {
            return v.get();
        }
        if (fallback != null) {
            return fallback;
        }
        problems.undefined(here, name, undefined(name));
        return original;
    }

    /** The message for a variable nobody defined, saying how to define it. */
    static String undefined(String name) {
        return "undefined variable '" + name + "' (set it with --var " + name + "=..., "
                + VariableScope.ENV_PREFIX + name.toUpperCase(java.util.Locale.ROOT) + " or environment.yml)";
    }

    private static Location lineOf(Location start, String text, int index) {
        if (start.line() <= 0) {
            return start;
        }
        int line = start.line();
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return Location.of(start.file(), line);
    }
}
