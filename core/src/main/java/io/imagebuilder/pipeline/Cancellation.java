package io.imagebuilder.pipeline;

import java.util.concurrent.CancellationException;

/** A build's cancel flag. Long-running work calls {@link #check()} between units of work. */
public final class Cancellation {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    /** Throws {@link CancellationException} when the build was cancelled or its thread interrupted. */
    public void check() {
        if (isCancelled()) {
            throw new CancellationException("build cancelled");
        }
    }

    /** Sleeps, waking early (with a CancellationException) when cancelled. */
    public void sleep(java.time.Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            check();
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("build cancelled");
            }
        }
    }
}
