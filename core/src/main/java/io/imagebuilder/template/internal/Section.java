package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One YAML mapping being read into the model. Values are rendered with the image's variables as they are read;
 * bad values become errors at their line, and {@link #done()} warns about every key nobody asked for.
 */
final class Section {

    /**
     * What every section of one image shares: where problems go, how text is rendered, where paths start.
     *
     * @param repository where the template tree lives (its git work tree, else its root): files from elsewhere
     *                   are warned about
     * @param packme     the tree's .tlt files when it is a packme tree, which also serves its http files as
     *                   they are; empty in our layout
     */
    record Ctx(Problems problems, Renderer renderer, Path baseDir, Path repository, Optional<TltFiles> packme) {
        /** The rendered text of a scalar; a list or mapping is an error. */
        Rendered text(YNode node, String key) {
            if (!(node instanceof YScalar s)) {
                problems.error(node.location(), "'" + key + "' must be a single value");
                return new Rendered("", false);
            }
            int before = problems.errorCount();
            String out = renderer.render(s.text(), s.location(), problems);
            return new Rendered(out, problems.errorCount() == before);
        }

        /** A YAML value as plain Java values (String, List, Map), rendered; for provisioner options. */
        Object plain(YNode node, String key) {
            if (node instanceof YMap m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().forEach((k, e) -> {
                    if (!YNode.isNull(e.value())) {
                        out.put(k, plain(e.value(), k));
                    }
                });
                return out;
            }
            if (node instanceof YSeq seq) {
                List<Object> out = new ArrayList<>();
                seq.items().forEach(i -> out.add(plain(i, key)));
                return out;
            }
            return text(node, key).text();
        }
    }

    record Rendered(String text, boolean ok) {}

    private final YMap map;
    private final String what;
    private final Ctx ctx;
    private final Set<String> read = new HashSet<>();

    Section(YMap map, String what, Ctx ctx) {
        this.map = map;
        this.what = what;
        this.ctx = ctx;
    }

    /** The section for a node that must be a mapping; anything else is an error and reads as empty. */
    static Section of(YNode node, String what, Ctx ctx) {
        if (node instanceof YMap m) {
            return new Section(m, what, ctx);
        }
        ctx.problems().error(node.location(), "'" + what + "' must be a mapping (key: value)");
        return new Section(new YMap(Map.of(), node.location()), what, ctx);
    }

    Ctx ctx() {
        return ctx;
    }

    Location location() {
        return map.location();
    }

    Location location(String key) {
        YNode n = map.get(key);
        return n == null ? map.location() : n.location();
    }

    Set<String> keys() {
        return map.entries().keySet();
    }

    boolean has(String key) {
        return !YNode.isNull(map.get(key));
    }

    /** The raw node (null when absent or empty); marks the key as known. */
    YNode node(String key) {
        read.add(key);
        YNode n = map.get(key);
        return YNode.isNull(n) ? null : n;
    }

    Optional<Section> section(String key) {
        YNode n = node(key);
        return n == null ? Optional.empty() : Optional.of(of(n, key, ctx));
    }

    Optional<String> string(String key) {
        YNode n = node(key);
        return n == null ? Optional.empty() : Optional.of(ctx.text(n, key).text());
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** A list value; a single value counts as a list of one. */
    List<YNode> list(String key) {
        YNode n = node(key);
        if (n == null) {
            return List.of();
        }
        return n instanceof YSeq seq ? seq.items() : List.of(n);
    }

    List<String> strings(String key) {
        return list(key).stream().map(n -> ctx.text(n, key).text()).toList();
    }

    /** Parses a value; a bad one is an error at its line and {@code fallback} is used meanwhile. */
    <T> T parsed(String key, T fallback, Function<String, T> parser) {
        YNode n = node(key);
        if (n == null) {
            return fallback;
        }
        Rendered r = ctx.text(n, key);
        if (!r.ok()) {
            return fallback; // the undefined variable is already reported
        }
        try {
            return parser.apply(r.text());
        } catch (IllegalArgumentException e) {
            ctx.problems().error(n.location(), what + "." + key + ": " + e.getMessage());
            return fallback;
        }
    }

    /** A local path relative to the template folder, made absolute; reports it when it does not exist. */
    Optional<Path> path(String key, String kind) {
        YNode n = node(key);
        return n == null ? Optional.empty() : Optional.ofNullable(path(n, key, kind));
    }

    Path path(YNode n, String key, String kind) {
        Rendered r = ctx.text(n, key);
        return resolve(n, r.text(), kind, r.ok());
    }

    /** {@code text} as a path relative to the file that wrote {@code n}; reports it when it does not exist. */
    Path resolve(YNode n, String text, String kind, boolean check) {
        // relative to the file that wrote it: an inherited value keeps its parent's folder
        Path file = n.location().file();
        Path base = file != null && file.getParent() != null ? file.getParent() : ctx.baseDir();
        Path p = base.resolve(text).toAbsolutePath().normalize();
        if (check && !Files.exists(p)) {
            ctx.problems().error(n.location(), kind + " not found: " + p);
        }
        return p;
    }

    void error(String key, String message) {
        ctx.problems().error(location(key), message);
    }

    /** Warns about keys that were never read: most likely a typo. {@code x-} keys hold YAML anchors, no warning. */
    void done() {
        for (YNode.Entry e : map.entries().values()) {
            if (!read.contains(e.key()) && !e.key().startsWith("x-")) {
                ctx.problems().warn(e.keyLocation(), "unknown key '" + e.key() + "' in " + what + " (ignored)");
            }
        }
    }
}
