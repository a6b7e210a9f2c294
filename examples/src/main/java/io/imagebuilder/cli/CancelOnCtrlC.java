package io.imagebuilder.cli;

/**
 * While open, Ctrl-C (SIGINT, SIGTERM) cancels the work and holds the JVM until the work has cleaned up: a
 * build's VM and disks, a publish's half-made Glance image. Without it the JVM would exit mid-step.
 */
final class CancelOnCtrlC implements AutoCloseable {

    /** Waits for the cancelled work to end; its outcome is reported by whoever ran it. */
    interface Ending {
        void await() throws Exception;
    }

    private final Thread hook;

    CancelOnCtrlC(Runnable cancel, Ending ending) {
        hook = new Thread(() -> {
            System.err.println("cancelling: cleaning up...");
            cancel.run();
            try {
                ending.await();
            } catch (Exception ignored) {
                // the main thread reports the outcome
            }
        }, "ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running
        }
    }
}
