package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * packme's layout, read as it is: {@code config.yml} lists the templates and what each extends;
 * {@code templates/NAME/manifest.yml} holds {@code parameters:} and a {@code packer:} section, and
 * {@code templates/NAME/environment.yml} more variables.
 */
public final class PackmeLayout {

    public static final String CONFIG_FILE = "config.yml";

    /** One template listed in config.yml, with the packme packages it adds. */
    private record Listed(String name, Optional<String> parent, Location at, Location extendsAt,
                          List<String> packages) {}

    private final Path root;
    private final Map<String, Listed> listed;
    private final Problems problems;
    private final TltFiles tlt;

    private PackmeLayout(Path root, Map<String, Listed> listed, Problems problems, TltFiles tlt) {
        this.root = root;
        this.listed = listed;
        this.problems = problems;
        this.tlt = tlt;
    }

    public static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }

    static PackmeLayout open(Path root, Problems problems, TltFiles tlt) {
        Path dir = root.toAbsolutePath().normalize();
        YMap config = YamlReader.readMap(dir.resolve(CONFIG_FILE));
        Map<String, Listed> listed = new LinkedHashMap<>();
        config.entries().forEach((k, e) -> {
            if (!k.equals("templates")) {
                problems.warn(e.keyLocation(), "unknown key '" + k + "' in config.yml (ignored)");
            }
        });
        YNode templates = config.get("templates");
        if (templates instanceof YMap map) {
            map.entries().forEach((name, e) -> listed.put(name, listed(name, e.keyLocation(), e.value(), problems)));
        } else if (templates instanceof YSeq seq) {
            for (YNode item : seq.items()) {
                YNode name = item instanceof YMap m ? m.get("name") : item;
                if (!(name instanceof YScalar s) || s.isNull()) {
                    throw new TemplateException(item.location(), "each template in the list needs a name");
                }
                listed.put(s.text(), listed(s.text(), item.location(), item, problems));
            }
        }
        if (listed.isEmpty()) {
            throw new TemplateException(config.location(), "config.yml lists no templates (templates: {name: {}})");
        }
        return new PackmeLayout(dir, listed, problems, tlt);
    }

    private static Listed listed(String name, Location at, YNode body, Problems problems) {
        if (!(body instanceof YMap m)) {
            return new Listed(name, Optional.empty(), at, at, List.of());
        }
        m.entries().forEach((k, e) -> {
            if (!List.of("name", "extends", "packages").contains(k)) {
                problems.warn(e.keyLocation(), "unknown key '" + k + "' for template '" + name + "' (ignored)");
            }
        });
        List<String> packages = PackmePackages.listed(m.get("packages"), problems);
        YNode ext = m.get("extends");
        if (YNode.isNull(ext)) {
            return new Listed(name, Optional.empty(), at, at, packages);
        }
        if (!(ext instanceof YScalar s)) {
            throw new TemplateException(ext.location(), "extends must name one template");
        }
        return new Listed(name, Optional.of(s.text()), at, s.location(), packages);
    }

    List<String> names() {
        return List.copyOf(listed.keySet());
    }

    Path root() {
        return root;
    }

    TltFiles tlt() {
        return tlt;
    }

    Location location() {
        return Location.of(root.resolve(CONFIG_FILE), 0);
    }

    /** The chain ending in template {@code name}, parents first. */
    List<RawImage> chain(String name) {
        RawImage target = read(name);
        if (target == null) {
            throw new TemplateException(location(), "no template '" + name + "' in config.yml (templates: "
                    + String.join(", ", names()) + ")");
        }
        return Chains.resolve(target, this::read, n -> "config.yml lists " + String.join(", ", names()));
    }

    private RawImage read(String name) {
        Listed l = listed.get(name);
        if (l == null) {
            return null;
        }
        Path folder = root.resolve("templates").resolve(name);
        Path manifestFile = folder.resolve("manifest.yml");
        if (!Files.isRegularFile(manifestFile)) {
            throw new TemplateException(l.at(), "template '" + name + "': " + manifestFile + " not found");
        }
        YMap manifest = YamlReader.readMap(manifestFile);
        YMap packer = PackmeTranslator.packerSection(manifest, problems);
        int before = problems.errorCount();
        YMap tree = PackmePackages.append(PackmeTranslator.translate(packer, l.parent().isPresent(), problems), root,
                l.packages(), l.at(), problems);
        // packme supplies vm_name, the template's name; the manifest's parameters come next
        Map<String, YNode> defaults = new LinkedHashMap<>();
        defaults.put("vm_name", YScalar.of(name, l.at()));
        defaults.putAll(RawImage.variables(manifest.get("parameters"), problems));
        return new RawImage(name, Location.of(manifestFile, 1), folder, tree, l.parent(), l.extendsAt(), defaults,
                environment(folder), RawImage.scalars(packer.get("variables"), problems),
                problems.errorCount() == before);
    }

    /** environment.yml, or, in a fresh checkout of a site's tree, environment.yml.tlt rendered as its script does. */
    private Map<String, YNode> environment(Path folder) {
        Path envFile = folder.resolve("environment.yml");
        if (Files.isRegularFile(envFile)) {
            return RawImage.variables(YamlReader.readMap(envFile), problems);
        }
        Path template = folder.resolve("environment.yml" + TltFiles.SUFFIX);
        if (Files.isRegularFile(template)) {
            return RawImage.variables(YamlReader.parseMap(tlt.render(YamlReader.readText(template), true),
                    template), problems);
        }
        return Map.of();
    }
}
