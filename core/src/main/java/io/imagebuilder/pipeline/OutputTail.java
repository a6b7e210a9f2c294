package io.imagebuilder.pipeline;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Keeps the last lines a guest command printed (already masked), for the error message of a failed
 * provisioner. {@link #capture} gives a context whose guest output is both forwarded and recorded.
 */
public final class OutputTail {

    public static final int DEFAULT_LINES = 20;

    private final int max;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    private OutputTail(int max) {
        this.max = max;
    }

    /** Returns a context like {@code ctx} (same build state) whose guest output also lands in {@code tail}. */
    public static StepContext capture(StepContext ctx, OutputTail tail) {
        return ctx.observedBy(event -> {
            if (event instanceof BuildEvent.GuestOutput out) {
                tail.add(out.line());
            }
        });
    }

    public static OutputTail lastLines() {
        return new OutputTail(DEFAULT_LINES);
    }

    synchronized void add(String line) {
        if (lines.size() == max) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
