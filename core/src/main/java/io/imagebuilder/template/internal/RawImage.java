package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One image as read from disk, before variables: its YAML in our layout's shape (packme manifests are
 * translated), what it extends, and its variable sources.
 *
 * @param folder          where relative paths start
 * @param extendsAt       where {@code extends} was written, for chain errors
 * @param packerVariables packme's {@code packer.variables} (for {@code {{ user `x` }}}), null in our layout
 * @param mappable        false when translating a packme manifest failed (already reported): mapping it would
 *                        only repeat the same problem in other words
 */
record RawImage(String name, Location location, Path folder, YMap tree, Optional<String> parent,
                Location extendsAt, Map<String, YNode> defaults, Map<String, YNode> environment,
                Map<String, YScalar> packerVariables, boolean mappable) {

    /** {@link #variables} with each list as its items joined by spaces: for Packer's {@code user} variables. */
    static Map<String, YScalar> scalars(YNode node, Problems problems) {
        Map<String, YScalar> out = new LinkedHashMap<>();
        variables(node, problems).forEach((k, v) -> out.put(k, v instanceof YScalar s ? s
                : YScalar.of(((YSeq) v).items().stream().map(i -> ((YScalar) i).text())
                        .collect(Collectors.joining(" ")), v.location())));
        return out;
    }

    /**
     * The values of a variables mapping: plain values and lists of them (a list is its items joined by spaces
     * in text, and a list in Jinja); an empty value is left out. packme's environment files wrap theirs in
     * {@code environment:}, which is unwrapped.
     */
    static Map<String, YNode> variables(YNode node, Problems problems) {
        Map<String, YNode> out = new LinkedHashMap<>();
        if (YNode.isNull(node)) {
            return out;
        }
        if (node instanceof YMap m && m.entries().size() == 1 && m.get("environment") instanceof YMap inner) {
            node = inner;
        }
        if (!(node instanceof YMap map)) {
            problems.error(node.location(), "variables must be a mapping (name: value)");
            return out;
        }
        map.entries().forEach((k, e) -> {
            YNode v = e.value();
            if (v instanceof YScalar s) {
                if (!s.isNull()) { // "name:" with no value declares a variable the user must define
                    out.put(k, s);
                }
            } else if (v instanceof YSeq seq && seq.items().stream().allMatch(i -> i instanceof YScalar)) {
                out.put(k, seq);
            } else {
                problems.warn(e.keyLocation(), "variable '" + k + "' is a mapping; only plain values and lists"
                        + " can be used (ignored)");
            }
        });
        return out;
    }
}
