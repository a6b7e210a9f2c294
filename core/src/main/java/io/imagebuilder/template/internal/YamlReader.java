package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.Entry;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML into {@link YNode}s; malformed YAML becomes a {@link TemplateException} with file and line. */
public final class YamlReader {

    private YamlReader() {}

    /** Reads a file that must hold a mapping (an empty file is an empty mapping). */
    public static YMap readMap(Path file) {
        return parseMap(readText(file), file);
    }

    /** A template file's text; a file that is not UTF-8 text (a binary one, say) is a template error. */
    public static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new TemplateException(Location.of(file, 0), "file not found");
        } catch (CharacterCodingException e) {
            throw new TemplateException(Location.of(file, 0), "not UTF-8 text (a binary file?): templates,"
                    + " environment and variable files must be UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses text that must hold a mapping; {@code file} names it in locations (may be a virtual path). */
    public static YMap parseMap(String text, Path file) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = m == null ? 0 : m.getLine() + 1;
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new TemplateException(Location.of(file, line), "malformed YAML: " + what);
        } catch (YAMLException e) {
            throw new TemplateException(Location.of(file, 0), "malformed YAML: " + e.getMessage());
        }
        if (root == null) {
            return new YMap(Map.of(), Location.of(file, 1));
        }
        YNode n = convert(root, file);
        if (!(n instanceof YMap map)) {
            throw new TemplateException(n.location(), "expected a mapping (key: value) at the top of the file");
        }
        return map;
    }

    private static YNode convert(Node node, Path file) {
        Location at = Location.of(file, node.getStartMark().getLine() + 1);
        if (node instanceof ScalarNode s) {
            // block scalars ('|' and '>') start on the line after the indicator
            boolean block = s.getScalarStyle() == ScalarStyle.LITERAL || s.getScalarStyle() == ScalarStyle.FOLDED;
            Location text = block ? Location.of(file, at.line() + 1) : at;
            return new YScalar(s.getValue(), text, Tag.NULL.equals(s.getTag()));
        }
        if (node instanceof SequenceNode seq) {
            List<YNode> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                items.add(convert(item, file));
            }
            return new YSeq(items, at);
        }
        MappingNode map = (MappingNode) node;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Entry> merged = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            Location keyAt = Location.of(file, t.getKeyNode().getStartMark().getLine() + 1);
            if (Tag.MERGE.equals(t.getKeyNode().getTag())) {
                merge(t.getValueNode(), file, merged);
                continue;
            }
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new TemplateException(keyAt, "malformed YAML: a key must be a plain value");
            }
            if (entries.containsKey(k.getValue())) {
                throw new TemplateException(keyAt, "malformed YAML: duplicate key '" + k.getValue() + "'");
            }
            entries.put(k.getValue(), new Entry(k.getValue(), keyAt, convert(t.getValueNode(), file)));
        }
        merged.forEach(entries::putIfAbsent); // keys written in the mapping itself win
        return new YMap(entries, at);
    }

    /** YAML merge keys ({@code <<: *defaults}): the first mapping that has a key gives its value. */
    private static void merge(Node value, Path file, Map<String, Entry> into) {
        List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        for (Node source : sources) {
            if (!(convert(source, file) instanceof YMap m)) {
                throw new TemplateException(Location.of(file, source.getStartMark().getLine() + 1),
                        "malformed YAML: '<<' must merge a mapping");
            }
            m.entries().forEach(into::putIfAbsent);
        }
    }
}
