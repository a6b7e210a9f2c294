package io.imagebuilder.template;
import java.util.List;
public record TemplateChain(List<ImageTemplate> stages, List<TemplateWarning> warnings) { public ImageTemplate target() { return stages.get(stages.size()-1);} }
