package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Our layout: one folder per image holding {@code image.yml} (and optionally {@code environment.yml} and
 * {@code http/}); {@code extends: other} names a sibling folder.
 */
public final class OwnLayout {

    public static final String IMAGE_FILE = "image.yml";
    public static final String ENVIRONMENT_FILE = "environment.yml";

    private OwnLayout() {}

    public static boolean isImageFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(IMAGE_FILE));
    }

    /** The chain ending in the image of {@code folder}, parents first. */
    static List<RawImage> chain(Path folder, Problems problems) {
        Path dir = folder.toAbsolutePath().normalize();
        RawImage target = read(YamlReader.readMap(dir.resolve(IMAGE_FILE)), dir, problems);
        return resolve(target, dir.getParent(), problems);
    }

    /** The chain of an image given as YAML text; relative paths start at {@code baseDir}, parents are its siblings. */
    static List<RawImage> chain(String yaml, Path baseDir, Problems problems) {
        Path dir = baseDir.toAbsolutePath().normalize();
        RawImage target = read(YamlReader.parseMap(yaml, dir.resolve("<yaml>")), dir, problems);
        return resolve(target, dir.getParent(), problems);
    }

    private static List<RawImage> resolve(RawImage target, Path siblings, Problems problems) {
        if (target.parent().isPresent() && siblings == null) {
            throw new TemplateException(target.extendsAt(), "extends needs a sibling folder, but "
                    + target.folder() + " has no parent folder");
        }
        return Chains.resolve(target,
                name -> isImageFolder(siblings.resolve(name)) ? read(YamlReader.readMap(
                        siblings.resolve(name).resolve(IMAGE_FILE)), siblings.resolve(name), problems) : null,
                name -> "no " + siblings.resolve(name).resolve(IMAGE_FILE));
    }

    private static RawImage read(YMap tree, Path dir, Problems problems) {
        Location file = Location.of(tree.location().file(), 1);
        String name = scalar(tree, "name").map(YScalar::text).orElse(dir.getFileName().toString());
        Optional<YScalar> parent = scalar(tree, "extends");
        Path envFile = dir.resolve(ENVIRONMENT_FILE);
        Map<String, YNode> env = Files.isRegularFile(envFile)
                ? RawImage.variables(YamlReader.readMap(envFile), problems) : Map.of();
        return new RawImage(name, file, dir, tree, parent.map(YScalar::text),
                parent.map(YScalar::location).orElse(file), RawImage.variables(tree.get("variables"), problems),
                env, null, true);
    }

    private static Optional<YScalar> scalar(YMap tree, String key) {
        YNode n = tree.get(key);
        if (YNode.isNull(n)) {
            return Optional.empty();
        }
        if (!(n instanceof YScalar s)) {
            throw new TemplateException(n.location(), "'" + key + "' must be a single value");
        }
        return Optional.of(s);
    }
}
