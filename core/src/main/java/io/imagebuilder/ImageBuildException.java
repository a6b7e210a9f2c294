package io.imagebuilder;

/**
 * A build failed. The message says which stage and step failed and why; the cause is the step's error, and the
 * errors of cleanups that failed afterwards are attached as suppressed exceptions.
 */
public class ImageBuildException extends RuntimeException {

    private final String stage;
    private final String step;

    public ImageBuildException(String stage, String step, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
        this.step = step;
    }

    /** The image (stage of a chain) that was being built. */
    public String stage() {
        return stage;
    }

    /** The step that failed. */
    public String step() {
        return step;
    }
}
