package io.imagebuilder.template.internal;

import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.TemplateChain;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a chain of raw images (either layout) into typed templates: merges what each child inherits, builds each
 * image's variables, maps it, and throws one {@link TemplateException} with every problem found.
 */
public final class Assembler {

    private final Map<String, String> explicit;
    private final Map<String, String> environment;
    private final List<Path> variableFiles;
    private final Map<String, YNode> defaults;
    private final ImageMapper mapper;

    public Assembler(Map<String, String> explicit, Map<String, String> environment, List<Path> variableFiles,
                     Map<String, String> defaults, Map<String, ProvisionerKind> kinds) {
        this.explicit = explicit;
        this.environment = environment;
        this.variableFiles = variableFiles;
        this.defaults = new LinkedHashMap<>();
        defaults.forEach((k, v) -> this.defaults.put(k, YScalar.of(v, Location.UNKNOWN)));
        this.mapper = new ImageMapper(new ProvisionerMapper(kinds));
    }

    public TemplateChain ownFolder(Path folder) {
        Problems problems = new Problems();
        Path dir = folder.toAbsolutePath().normalize();
        return assemble(OwnLayout.chain(folder, problems), problems,
                repository(dir.getParent() == null ? dir : dir.getParent()), Optional.empty());
    }

    public TemplateChain ownYaml(String yaml, Path baseDir) {
        Problems problems = new Problems();
        return assemble(OwnLayout.chain(yaml, baseDir, problems), problems,
                repository(baseDir.toAbsolutePath().normalize()), Optional.empty());
    }

    /** A packme template; without a name, the root must list exactly one. */
    public TemplateChain packme(Path root, Optional<String> name) {
        Problems problems = new Problems();
        PackmeLayout layout = PackmeLayout.open(root, problems, TltFiles.of(explicit, environment));
        if (name.isEmpty() && layout.names().size() != 1) {
            throw new TemplateException(layout.location(), "config.yml lists " + layout.names().size()
                    + " templates (" + String.join(", ", layout.names()) + "): name the one to build");
        }
        return assemble(layout.chain(name.orElse(layout.names().get(0))), problems, repository(layout.root()),
                Optional.of(layout.tlt()));
    }

    /** The git work tree holding a template tree, else the tree itself: where its files are expected to be. */
    static Path repository(Path tree) {
        for (Path p = tree; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return tree;
    }

    private TemplateChain assemble(List<RawImage> chain, Problems problems, Path repository,
                                   Optional<TltFiles> packme) {
        List<Map<String, YNode>> files = new ArrayList<>();
        for (Path f : variableFiles) {
            files.add(RawImage.variables(YamlReader.readMap(f.toAbsolutePath()), problems));
        }
        List<Map<String, YNode>> defaults = new ArrayList<>();
        List<Map<String, YNode>> environmentFiles = new ArrayList<>();
        List<ImageTemplate> stages = new ArrayList<>();
        Set<Secret> secrets = new LinkedHashSet<>();
        YMap inherited = null;
        for (RawImage raw : chain) {
            defaults.add(raw.defaults());
            environmentFiles.add(raw.environment());
            YMap tree = inherited == null ? raw.tree() : Chains.inherit(inherited, raw.tree());
            inherited = tree;
            List<Map<String, YNode>> layers = new ArrayList<>(defaults);
            layers.addAll(environmentFiles);
            layers.addAll(files);
            VariableScope scope = new VariableScope(this.defaults, layers, environment, explicit, problems);
            Renderer renderer = new Renderer(scope, raw.packerVariables() == null ? null
                    : packerVariables(raw.packerVariables(), scope, problems));
            Section.Ctx ctx = new Section.Ctx(problems, renderer, raw.folder(), repository, packme);
            String what = raw.location().file().getFileName().toString();
            if (!raw.mappable()) {
                continue;
            }
            try {
                ImageTemplate t = mapper.map(raw, new Section(tree, what, ctx));
                ImageTemplate.Builder b = t.toBuilder();
                scope.forModel().forEach(b::variable);
                stages.add(b.build());
                t.communicator().password().ifPresent(secrets::add);
            } catch (IllegalArgumentException e) {
                problems.error(raw.location(), e.getMessage());
            } finally {
                secrets.addAll(scope.secrets());
            }
        }
        problems.throwIfAny(secrets); // a secret rendered into a field that fails a check is not shown
        return new TemplateChain(stages, problems.warnings(secrets), List.copyOf(secrets));
    }

    /** Packer's {{ user `x` }}: an explicit value wins, as with packer's -var; the section's values are Jinja. */
    private Renderer.Vars packerVariables(Map<String, YScalar> section, VariableScope scope, Problems problems) {
        Renderer jinja = new Renderer(scope, null);
        return name -> {
            if (explicit.containsKey(name)) {
                return Optional.of(explicit.get(name));
            }
            YScalar v = section.get(name);
            return v == null ? Optional.empty() : Optional.of(jinja.render(v.text(), v.location(), problems));
        };
    }
}
