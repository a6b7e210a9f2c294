package io.imagebuilder;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A build running on its own thread. {@link #cancel()} stops it; its cleanups run before {@link #await} returns. */
public final class BuildHandle {

    private final CompletableFuture<BuildResult> result;
    private final Runnable canceller;

    BuildHandle(CompletableFuture<BuildResult> result, Runnable canceller) {
        this.result = result;
        this.canceller = canceller;
    }

    /** Asks the build to stop. Returns at once; {@link #await()} then throws {@link BuildCancelledException}. */
    public void cancel() {
        canceller.run();
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** Waits for the build and returns its result, or throws what made it fail. */
    public BuildResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    public BuildResult await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }
}
