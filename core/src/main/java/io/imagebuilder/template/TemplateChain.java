package io.imagebuilder.template;

import java.util.List;

/**
 * A loaded template with the templates it extends: parents first, the one asked for last. Each stage is built
 * on the disk of the one before it.
 *
 * @param secrets the values of every secret variable (name with password, secret, token or key) the templates
 *                use, for the build's {@link io.imagebuilder.pipeline.SecretMasker}: they are masked in
 *                {@link ImageTemplate#variables()} but may still appear in scripts' output
 */
public record TemplateChain(List<ImageTemplate> stages, List<TemplateWarning> warnings, List<Secret> secrets) {

    public TemplateChain {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a template chain needs at least one stage");
        }
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
        secrets = List.copyOf(secrets);
    }

    /** A chain without secret variables, e.g. for a template built in Java. */
    public TemplateChain(List<ImageTemplate> stages, List<TemplateWarning> warnings) {
        this(stages, warnings, List.of());
    }

    /** The image asked for (the last stage). */
    public ImageTemplate target() {
        return stages.get(stages.size() - 1);
    }
}
