package io.imagebuilder.template;

import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.internal.Assembler;
import io.imagebuilder.template.internal.OwnLayout;
import io.imagebuilder.template.internal.PackmeLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a template, in our layout (a folder with {@code image.yml}) or packme's (a root with {@code config.yml}),
 * into typed {@link ImageTemplate}s with every variable resolved and every path checked. Each problem is reported
 * with its file and line, all at once, before anything is built. Immutable: the setters return new loaders.
 */
public final class TemplateLoader {

    private final Map<String, String> explicit;
    private final Map<String, String> environment;
    private final List<Path> variableFiles;
    private final Map<String, String> defaults;
    private final Map<String, ProvisionerKind> kinds; // null: the class path's, looked up at load

    private TemplateLoader(Map<String, String> explicit, Map<String, String> environment, List<Path> variableFiles,
                           Map<String, String> defaults, Map<String, ProvisionerKind> kinds) {
        this.explicit = Map.copyOf(explicit);
        this.environment = Map.copyOf(environment);
        this.variableFiles = List.copyOf(variableFiles);
        this.defaults = Map.copyOf(defaults);
        this.kinds = kinds == null ? null : Map.copyOf(kinds);
    }

    /** No explicit variables; environment variables from {@link System#getenv()}. */
    public static TemplateLoader create() {
        return new TemplateLoader(Map.of(), System.getenv(), List.of(), Map.of(), null);
    }

    /** Explicit values (CLI {@code --var}, Java API): they win over every other source. */
    public TemplateLoader variables(Map<String, String> explicit) {
        return new TemplateLoader(explicit, environment, variableFiles, defaults, kinds);
    }

    /** The environment variables to read ({@code VISA_NAME} or {@code name}); tests pass their own. */
    public TemplateLoader environment(Map<String, String> env) {
        return new TemplateLoader(explicit, env, variableFiles, defaults, kinds);
    }

    /** Extra YAML files of {@code name: value} (CLI {@code --var-file}), above the templates' environment files. */
    public TemplateLoader variableFiles(List<Path> files) {
        return new TemplateLoader(explicit, environment, files, defaults, kinds);
    }

    /**
     * Values used where nothing else defines the name, below the templates' own defaults (what a site's build
     * script exports for packme, such as {@code headless=true}).
     */
    public TemplateLoader defaults(Map<String, String> values) {
        return new TemplateLoader(explicit, environment, variableFiles, values, kinds);
    }

    /** The provisioner types beyond shell and file that templates may use (default: the class path's). */
    public TemplateLoader provisionerKinds(Map<String, ProvisionerKind> values) {
        return new TemplateLoader(explicit, environment, variableFiles, defaults, values);
    }

    /** An image folder of our layout, or a packme root (or its config.yml) that lists exactly one template. */
    public TemplateChain load(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p) && p.getParent() != null) {
            String file = p.getFileName().toString();
            if (file.equals(OwnLayout.IMAGE_FILE)) {
                return assembler().ownFolder(p.getParent());
            }
            if (file.equals(PackmeLayout.CONFIG_FILE)) {
                return assembler().packme(p.getParent(), Optional.empty());
            }
        }
        if (OwnLayout.isImageFolder(p)) {
            return assembler().ownFolder(p);
        }
        if (PackmeLayout.isRoot(p)) {
            return assembler().packme(p, Optional.empty());
        }
        throw notATemplate(p);
    }

    /** Template {@code name} of a packme root, or image folder {@code name} under a folder of our layout. */
    public TemplateChain load(Path path, String name) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p) && p.getFileName().toString().equals(PackmeLayout.CONFIG_FILE)) {
            p = p.getParent();
        }
        if (PackmeLayout.isRoot(p)) {
            return assembler().packme(p, Optional.of(name));
        }
        if (OwnLayout.isImageFolder(p.resolve(name))) {
            return assembler().ownFolder(p.resolve(name));
        }
        throw new TemplateException(Location.of(p, 0), "no template '" + name + "': neither "
                + PackmeLayout.CONFIG_FILE + " here nor " + p.resolve(name).resolve(OwnLayout.IMAGE_FILE));
    }

    /** An image of our layout given as YAML text; relative paths start at {@code baseDir}. */
    public TemplateChain loadYaml(String yaml, Path baseDir) {
        return assembler().ownYaml(yaml, baseDir);
    }

    private static TemplateException notATemplate(Path p) {
        return new TemplateException(Location.of(p, 0), "not a template: expected " + OwnLayout.IMAGE_FILE
                + " (our layout) or " + PackmeLayout.CONFIG_FILE + " (packme layout)");
    }

    private Assembler assembler() {
        return new Assembler(explicit, environment, variableFiles, defaults,
                kinds != null ? kinds : ProvisionerKind.onClassPath());
    }
}
