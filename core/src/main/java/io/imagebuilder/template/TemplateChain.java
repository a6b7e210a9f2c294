package io.imagebuilder.template;

import java.util.List;

/**
 * A loaded template with the templates it extends: parents first, the one asked for last. Each stage is built
 * on the disk of the one before it.
 */
public record TemplateChain(List<ImageTemplate> stages, List<TemplateWarning> warnings) {

    public TemplateChain {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a template chain needs at least one stage");
        }
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
    }

    /** The image asked for (the last stage). */
    public ImageTemplate target() {
        return stages.get(stages.size() - 1);
    }
}
