package io.imagebuilder.template.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import io.imagebuilder.template.Location;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja2 as packme renders templates (HubSpot's Jinjava: filters, {@code if/for/set}, whitespace control,
 * {@code ~}), made strict: every undefined variable is reported with its line. Packer's build-time values
 * ({@code {{ .HTTPIP }}} and friends) are left as they are. With packer variables set, a second pass resolves
 * Packer's {@code {{ user `name` }}} after Jinja, as packme's output is read by Packer.
 */
public final class Renderer {

    /** Looks up a variable; empty when it is not defined anywhere. */
    public interface Vars {
        Optional<String> value(String name);

        /** The value as Jinja sees it (a list stays a list); by default its text. */
        default Optional<Object> object(String name) {
            return value(name).map(v -> v);
        }
    }

    private static final Pattern RAW = Pattern.compile(
            "\\{%(-)?\\s*raw\\s*(-)?%}(.*?)\\{%(-)?\\s*endraw\\s*(-)?%}", Pattern.DOTALL);
    /** Stands for text kept out of Jinja's sight: private-use characters no template contains. */
    private static final String MARK = "\uE000";
    private static final String MARK_END = "\uE001";
    private static final Pattern MARKER = Pattern.compile(MARK + "(\\d+)\n*" + MARK_END);
    private static final Pattern RAW_OPEN = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
    private static final Pattern PACKER_VALUE = Pattern.compile("\\{\\{-?\\s*\\.[A-Za-z_]\\w*\\s*-?}}");
    private static final Pattern USER = Pattern.compile("\\{\\{\\s*user\\s*`([^`]+)`\\s*}}");
    private static final Pattern UNKNOWN_TOKEN = Pattern.compile("Unknown token found: (.*)");
    private static final Pattern JINJA_SPAN = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);
    private static final Pattern SCOPED = Pattern.compile("(?:parameters|environment)\\.([A-Za-z_][A-Za-z0-9_]*)");
    /** What makes reading an undefined name fine: a default, or a test for it. */
    private static final Pattern GUARD = Pattern.compile("\\bdefault\\b|\\|\\s*d\\s*\\(|\\bdefined\\b");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
        List<String> kept = new ArrayList<>();
        String out = restore(jinja(keepAsWritten(text, kept, at, problems), at, problems), kept);
        return packerUser == null ? out : packerPass(out, at, problems);
    }

    /**
     * Takes out what Jinja must not read, to put it back after rendering: {@code {% raw %}} blocks (their
     * whitespace control applied), Packer's build-time values, Packer's {@code user} calls (in our layout read
     * as plain variables instead), and a {@code {#} that opens no comment (a shell's {@code ${#array[@]}}).
     * Each is replaced by a marker holding its index in {@code kept}, so line numbers stay as written.
     */
    private String keepAsWritten(String text, List<String> kept, Location at, Problems problems) {
        StringBuilder out = new StringBuilder(text.length());
        Matcher raw = RAW.matcher(text);
        int i = 0;
        boolean trimNext = false;
        while (raw.find()) {
            String before = protect(text.substring(i, raw.start()), kept);
            out.append(trimNext ? before.stripLeading() : before);
            if (raw.group(1) != null) {
                trimTrailing(out);
            }
            String body = raw.group(3);
            body = raw.group(2) != null ? body.stripLeading() : body;
            body = raw.group(4) != null ? body.stripTrailing() : body;
            out.append(marker(body, kept));
            trimNext = raw.group(5) != null;
            i = raw.end();
        }
        String rest = protect(text.substring(i), kept);
        out.append(trimNext ? rest.stripLeading() : rest);
        Matcher open = RAW_OPEN.matcher(out);
        if (open.find()) {
            problems.error(lineOf(at, lineNumber(out.toString(), open.start())), "{% raw %} without {% endraw %}");
        }
        return out.toString();
    }

    private String protect(String text, List<String> kept) {
        String out = PACKER_VALUE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(marker(m.group(), kept)));
        out = USER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(packerUser != null
                ? marker(m.group(), kept) : "{{ " + m.group(1) + " }}"));
        StringBuilder b = new StringBuilder(out.length());
        int i = 0;
        for (int open = out.indexOf("{#"); open >= 0; open = out.indexOf("{#", i)) {
            int close = out.indexOf("#}", open + 2);
            if (close < 0) {
                b.append(out, i, open).append(marker("{#", kept));
                i = open + 2;
            } else {
                b.append(out, i, close + 2);
                i = close + 2;
            }
        }
        return b.append(out.substring(i)).toString();
    }

    /** The marker keeps the text's line breaks, so lines after it are still counted as written. */
    private static String marker(String text, List<String> kept) {
        kept.add(text);
        return MARK + (kept.size() - 1) + "\n".repeat((int) text.chars().filter(c -> c == '\n').count()) + MARK_END;
    }

    private static String restore(String text, List<String> kept) {
        Matcher m = MARKER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(kept.get(Integer.parseInt(m.group(1)))));
        }
        return m.appendTail(out).toString();
    }

    private static void trimTrailing(StringBuilder b) {
        int end = b.length();
        while (end > 0 && Character.isWhitespace(b.charAt(end - 1))) {
            end--;
        }
        b.setLength(end);
    }

    /**
     * Renders strictly. Jinjava stops at the first name it cannot resolve to a value, so each one found is
     * reported, stood in for by an empty value, and the text rendered again, until none is left. A name that
     * resolved to nothing inside a larger expression ({@code {{ x | int }}}, {@code {{ 'a' ~ x }}}) does not stop
     * Jinjava: the lookups it missed are reported too, where no {@code default} or {@code is defined} guards them.
     */
    private String jinja(String text, Location at, Problems problems) {
        Map<String, Object> standIns = new HashMap<>();
        Set<String> reported = new LinkedHashSet<>();
        Map<String, Set<Place>> missed = new LinkedHashMap<>(); // name to where it was read in vain
        for (int attempt = 0; ; attempt++) {
            // a copy of the engine's context for each render: renders share nothing, on any thread
            Context context = new Context(Engine.JINJAVA.getGlobalContextCopy(), standIns);
            context.setDynamicVariableResolver(name -> {
                Object v = standIns.containsKey(name) ? standIns.get(name) : vars.object(name).orElse(null);
                JinjavaInterpreter current = JinjavaInterpreter.getCurrent();
                if (v == null && current != null) {
                    missed.computeIfAbsent(name, n -> new LinkedHashSet<>())
                            .add(new Place(current.getLineNumber(), current.getPosition()));
                }
                return v;
            });
            JinjavaInterpreter interpreter = new JinjavaInterpreter(Engine.JINJAVA, context,
                    Engine.JINJAVA.getGlobalConfig());
            String out = "";
            List<TemplateError> errors = new ArrayList<>();
            // the current interpreter while it renders, as Jinjava's own render does
            try (var current = JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
                out = current.value().render(text);
                errors.addAll(interpreter.getErrors());
            } catch (InterpretException e) {
                errors.addAll(interpreter.getErrors());
                errors.add(TemplateError.fromException(e, e.getLineNumber(), e.getStartPosition()));
            }
            Optional<String> undefined = Optional.empty();
            for (TemplateError e : errors) {
                Location here = lineOf(at, Math.max(e.getLineno(), 1));
                Matcher token = UNKNOWN_TOKEN.matcher(String.valueOf(e.getMessage()));
                String unknown = token.find() ? token.group(1).trim() : "";
                Matcher scoped = SCOPED.matcher(unknown);
                if (scoped.matches()) { // {{ environment.NAME }}: NAME is undefined
                    if (reported.add(scoped.group(1))) {
                        problems.undefined(here, scoped.group(1), undefined(scoped.group(1)));
                    }
                } else if (IDENTIFIER.matcher(unknown).matches()) {
                    if (reported.add(unknown)) {
                        problems.undefined(here, unknown, undefined(unknown));
                    }
                    undefined = Optional.of(unknown);
                } else if (!unknown.isEmpty() && missed.keySet().stream().anyMatch(m -> uses(unknown, m))) {
                    // {{ x | upper }} with x undefined: reported below as the undefined variable it is, and
                    // stood in for so the rest of the text is read too
                    undefined = missed.keySet().stream().filter(m -> uses(unknown, m) && !standIns.containsKey(m))
                            .findFirst();
                } else if (e.getSeverity() == TemplateError.ErrorType.FATAL
                        || e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                    problems.error(here, message(e));
                }
            }
            if (undefined.isEmpty() || attempt > 100) {
                for (String name : reported) {
                    for (int line : otherUses(name, text)) {
                        problems.undefined(lineOf(at, line), name, undefined(name));
                    }
                }
                // read where it is not guarded by default() or 'is defined', on a path the text took
                missed.forEach((name, places) -> places.stream().filter(place -> unguarded(name, text, place))
                        .forEach(place -> problems.undefined(lineOf(at, place.line()), name, undefined(name))));
                return out;
            }
            standIns.put(undefined.get(), "");
        }
    }

    /** Where Jinjava was reading: a line and the column (both from 1) its expression or statement starts at. */
    private record Place(int line, int column) {}

    /** Whether the expression or statement Jinjava read at {@code place} reads {@code name} without a guard. */
    private static boolean unguarded(String name, String text, Place place) {
        Matcher span = JINJA_SPAN.matcher(text);
        while (span.find()) {
            int lineStart = text.lastIndexOf('\n', span.start()) + 1;
            if (lineNumber(text, span.start()) == place.line() && span.start() - lineStart + 1 == place.column()) {
                return uses(span.group(), name) && !GUARD.matcher(span.group()).find();
            }
        }
        return false;
    }

    private static boolean uses(String expression, String name) {
        return word(name).matcher(expression).find();
    }

    /** {@code name} as a name read, not part of another name, an attribute or a string. */
    private static Pattern word(String name) {
        return Pattern.compile("(?<![\\w.'\"])" + Pattern.quote(name) + "(?![\\w'\"])");
    }

    /**
     * The lines of every use of an undefined variable (Jinjava names the first one only): expressions and
     * statements that read it, without a default.
     */
    private static Set<Integer> otherUses(String name, String text) {
        Set<Integer> lines = new LinkedHashSet<>();
        Pattern word = word(name);
        Matcher span = JINJA_SPAN.matcher(text);
        while (span.find()) {
            String inside = span.group();
            if (word.matcher(inside).find() && !GUARD.matcher(inside).find()) {
                lines.add(lineNumber(text, span.start()));
            }
        }
        return lines;
    }

    /** Jinjava's message, without its exception class names. */
    private static String message(TemplateError e) {
        String m = String.valueOf(e.getMessage()).replaceFirst("^\\w+Exception: ", "");
        if (m.startsWith("Unknown token found: ")) {
            return "unknown filter, function or expression '" + m.substring("Unknown token found: ".length())
                    + "'";
        }
        if (RAW_OPEN.matcher(m).find() || m.contains("endraw")) {
            return "{% raw %} without {% endraw %}";
        }
        return "template error: " + m;
    }

    private String packerPass(String text, Location at, Problems problems) {
        Matcher m = USER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Optional<String> value = packerUser.value(m.group(1));
            if (value.isEmpty()) {
                problems.undefined(lineOf(at, lineNumber(text, m.start())), m.group(1), undefined(m.group(1)));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.orElse(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The message for a variable nobody defined, saying how to define it. */
    static String undefined(String name) {
        return "undefined variable '" + name + "' (set it with --var " + name + "=..., "
                + VariableScope.ENV_PREFIX + name.toUpperCase(java.util.Locale.ROOT) + " or environment.yml)";
    }

    private static int lineNumber(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Line {@code line} (1 = the first) of a text written at {@code start}. */
    private static Location lineOf(Location start, int line) {
        return start.line() <= 0 ? start : Location.of(start.file(), start.line() + line - 1);
    }

    /** One Jinjava for the process, made on first use (its filters and tags take a moment to set up). */
    private static final class Engine {
        static final Jinjava JINJAVA = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true)
                        .build())
                .build());
    }
}
