package io.imagebuilder.pipeline;

import io.imagebuilder.BuildCancelledException;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.ImageBuildException;
import io.imagebuilder.OnError;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Runs a build's steps in order, then the cleanups of every step that ran, newest first (Packer's multistep).
 * A failing cleanup is reported and the others still run. With {@link OnError#ABORT} a failed build keeps its
 * VM, disks and logs for debugging; only what lives in this process (see {@link Step#cleansUpOnAbort}) goes.
 */
public final class Pipeline {

    private final List<Step> steps;

    public Pipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    /**
     * Runs every step and returns their timings.
     *
     * @throws BuildCancelledException when the build was cancelled; cleanups have run
     * @throws ImageBuildException     when a step failed; cleanups have run unless {@code onError} is ABORT
     */
    public List<StepTiming> run(StepContext ctx, OnError onError) {
        List<StepTiming> timings = new ArrayList<>();
        Deque<Step> ran = new ArrayDeque<>();
        try {
            for (Step step : steps) {
                ctx.cancellation().check();
                ctx.currentStep(step.name());
                ran.push(step);
                ctx.emit(new BuildEvent.StepStarted(ctx.stage(), step.name()));
                long start = System.nanoTime();
                step.run(ctx);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                timings.add(new StepTiming(ctx.stage(), step.name(), took));
                ctx.emit(new BuildEvent.StepFinished(ctx.stage(), step.name(), took));
            }
        } catch (Throwable error) {
            ImageBuildException failure = toBuildException(ctx, error);
            ctx.emit(new BuildEvent.StepFailed(ctx.stage(), ctx.currentStep(), failure));
            if (onError == OnError.ABORT && !(failure instanceof BuildCancelledException)) {
                Deque<Step> inProcess = new ArrayDeque<>(ran.stream().filter(Step::cleansUpOnAbort).toList());
                ran.removeAll(inProcess);
                ctx.log(BuildEvent.Level.WARN, "on-error=abort: cleanup skipped; left in place: "
                        + ran.stream().map(Step::name).toList() + " (work folder " + ctx.workDir() + ")");
                cleanup(inProcess, ctx, failure);
            } else {
                cleanup(ran, ctx, failure);
            }
            throw failure;
        }
        cleanup(ran, ctx, null);
        return timings;
    }

    private static void cleanup(Deque<Step> ran, StepContext build, Throwable failure) {
        // A cancelled build must still clean up: clear the interrupt so blocking calls in cleanups work, and
        // give the cleanups a cancel flag of their own so a check() or sleep() in them does not throw.
        boolean interrupted = Thread.interrupted();
        StepContext ctx = build.withCancellation(new Cancellation());
        try {
            while (!ran.isEmpty()) {
                Step step = ran.pop();
                try {
                    step.cleanup(ctx);
                    ctx.emit(new BuildEvent.CleanupRan(ctx.stage(), step.name()));
                } catch (Throwable e) {
                    ctx.emit(new BuildEvent.CleanupFailed(ctx.stage(), step.name(), ctx.masker().mask(e)));
                    ctx.log(BuildEvent.Level.ERROR, "cleanup of step '" + step.name() + "' failed: " + e);
                    if (failure != null) {
                        failure.addSuppressed(ctx.masker().mask(e));
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ImageBuildException toBuildException(StepContext ctx, Throwable error) {
        if (error instanceof ImageBuildException e) {
            return e;
        }
        String step = ctx.currentStep();
        if (error instanceof CancellationException || error instanceof InterruptedException
                || ctx.cancellation().isCancelled()) {
            return new BuildCancelledException(ctx.stage(), step);
        }
        String why = error.getMessage() == null ? error.toString() : error.getMessage();
        return new ImageBuildException(ctx.stage(), step,
                "build of '" + ctx.stage() + "' failed in step '" + step + "': " + ctx.masker().mask(why),
                ctx.masker().mask(error));
    }
}
