package io.imagebuilder.pipeline;

/**
 * One step of a build (Packer's multistep model): {@link #run} does the work; {@link #cleanup} undoes it and is
 * called, in reverse order, for every step that ran once the build ends: after a failure or a cancellation
 * always, after success only for the steps whose results are temporary (all of them here: the disk that
 * survives a build is moved out by the step that makes the output).
 */
public interface Step {

    /** Short name shown in progress and errors, e.g. {@code start-vm}. */
    String name();

    void run(StepContext ctx) throws Exception;

    /** Undo what {@link #run} made. Called even if run threw part-way: be ready for half-made state. */
    default void cleanup(StepContext ctx) throws Exception {
    }

    /**
     * Whether the cleanup runs even with on-error=abort: true for what lives only in this process (an HTTP
     * server, an SSH connection), which nobody could inspect once the build returned; false (the default) for
     * what is kept for debugging (the VM, disks, logs).
     */
    default boolean cleansUpOnAbort() {
        return false;
    }
}
