package io.imagebuilder.template;
public record TemplateWarning(Location location, String message) {}
