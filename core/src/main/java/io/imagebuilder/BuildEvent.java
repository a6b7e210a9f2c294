package io.imagebuilder;

import java.time.Duration;

/**
 * What a build reports while it runs. Every event names the stage (the image being built, e.g.
 * {@code visa-base}) and, where it applies, the step.
 */
public sealed interface BuildEvent {

    String stage();

    /** A step began. */
    record StepStarted(String stage, String step) implements BuildEvent {}

    /** A step ended normally after {@code took}. */
    record StepFinished(String stage, String step, Duration took) implements BuildEvent {}

    /** A step failed; the cleanups of the steps that ran follow. */
    record StepFailed(String stage, String step, Throwable error) implements BuildEvent {}

    /** A step's cleanup ran. */
    record CleanupRan(String stage, String step) implements BuildEvent {}

    /** A cleanup failed; the other cleanups still run. */
    record CleanupFailed(String stage, String step, Throwable error) implements BuildEvent {}

    /** Bytes (or other units) done out of {@code total}; {@code total} is -1 when unknown. */
    record Progress(String stage, String step, long done, long total) implements BuildEvent {}

    /** A line the guest printed: a provisioner's stdout/stderr, or the serial console. */
    record GuestOutput(String stage, String source, Stream stream, String line) implements BuildEvent {}

    /** A check of {@code verify} ended; {@code detail} says what it saw (or, when it failed, why). */
    record CheckFinished(String stage, String check, boolean passed, Duration took, String detail)
            implements BuildEvent {}

    /** A human-readable message from the build itself. */
    record Message(String stage, Level level, String text) implements BuildEvent {}

    enum Stream { STDOUT, STDERR, SERIAL }

    enum Level { DEBUG, INFO, WARN, ERROR }
}
