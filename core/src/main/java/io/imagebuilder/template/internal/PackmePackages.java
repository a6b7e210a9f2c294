package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * packme's {@code packages:} of a template in config.yml: the provisioners of {@code packages/NAME/manifest.yml}
 * (every package for {@code "*"}) run after the template's own, with their paths relative to the package's
 * folder, as packme appends them.
 */
final class PackmePackages {

    private PackmePackages() {}

    /** The names listed under {@code packages:}, empty when there are none. */
    static List<String> listed(YNode packages, Problems problems) {
        if (YNode.isNull(packages)) {
            return List.of();
        }
        List<YNode> items = packages instanceof YSeq seq ? seq.items() : List.of(packages);
        List<String> names = new ArrayList<>();
        for (YNode item : items) {
            if (item instanceof YScalar s && !s.isNull()) {
                names.add(s.text());
            } else {
                problems.error(item.location(), "packages lists package names");
            }
        }
        return names;
    }

    /** {@code tree} with the packages' provisioners appended. */
    static YMap append(YMap tree, Path root, List<String> names, Location at, Problems problems) {
        if (names.isEmpty()) {
            return tree;
        }
        List<YNode> provisioners = new ArrayList<>(tree.get("provisioners") instanceof YSeq seq ? seq.items()
                : List.of());
        for (Path dir : folders(root.resolve("packages"), names, at, problems)) {
            Path manifest = dir.resolve("manifest.yml");
            if (!Files.isRegularFile(manifest)) {
                continue; // packme: a package without a manifest adds nothing
            }
            if (YamlReader.readMap(manifest).get("provisioners") instanceof YSeq seq) {
                seq.items().forEach(p -> provisioners.add(p instanceof YMap m ? fromFolder(m, dir) : p));
            }
        }
        return tree.with("provisioners", new YSeq(provisioners, at));
    }

    private static List<Path> folders(Path packages, List<String> names, Location at, Problems problems) {
        if (names.contains("*")) {
            if (!Files.isDirectory(packages)) {
                return List.of();
            }
            try (Stream<Path> list = Files.list(packages)) {
                return list.filter(Files::isDirectory).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + packages, e);
            }
        }
        List<Path> out = new ArrayList<>();
        for (String name : names) {
            Path dir = packages.resolve(name);
            if (Files.isDirectory(dir)) {
                out.add(dir);
            } else {
                problems.warn(at, "package '" + name + "' is not in " + packages + " (skipped, as packme does)");
            }
        }
        return out;
    }

    /** The provisioner with its script and source made absolute: they are the package's files. */
    private static YMap fromFolder(YMap provisioner, Path dir) {
        YMap out = provisioner;
        for (String key : List.of("script", "source")) {
            if (provisioner.get(key) instanceof YScalar s && !s.isNull()) {
                String path = dir.resolve(s.text()) + (s.text().endsWith("/") ? "/" : "");
                out = out.with(key, YScalar.of(path, s.location()));
            }
        }
        if (provisioner.get("scripts") instanceof YSeq scripts) {
            out = out.with("scripts", new YSeq(scripts.items().stream().map(i -> i instanceof YScalar s
                    ? (YNode) YScalar.of(dir.resolve(s.text()).toString(), s.location()) : i).toList(),
                    scripts.location()));
        }
        return out;
    }
}
