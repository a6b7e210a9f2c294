package io.imagebuilder;

/**
 * Receives a build's events, on the build's threads: return quickly. Secrets are already masked in every
 * text an event carries.
 */
@FunctionalInterface
public interface BuildListener {

    void onEvent(BuildEvent event);

    BuildListener NONE = event -> { };
}
