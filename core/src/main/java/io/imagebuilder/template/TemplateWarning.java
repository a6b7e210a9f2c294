package io.imagebuilder.template;

/** Something in a template that is not an error but probably not what the author meant, e.g. an unknown key. */
public record TemplateWarning(Location location, String message) {
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
