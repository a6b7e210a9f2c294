package io.imagebuilder.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildListener;
import io.imagebuilder.BuildResult;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --events json}: one JSON object per line for CI systems (GitLab, Jenkins) to follow a build:
 * {@code time}, {@code type} (the {@link BuildEvent} kind) and its fields. Texts arrive masked.
 */
final class JsonLinesEvents implements BuildListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    JsonLinesEvents(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(BuildEvent event) {
        write(fields(event));
    }

    /** A line that is not a build event (the CLI's result), in the same shape. */
    synchronized void write(Map<String, Object> fields) {
        try {
            out.println(JSON.writeValueAsString(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    static Map<String, Object> fields(BuildEvent event) {
        Map<String, Object> f = start(event.getClass().getSimpleName());
        if (event instanceof BuildEvent.StepStarted e) {
            step(f, e.stage(), e.step());
        } else if (event instanceof BuildEvent.StepFinished e) {
            step(f, e.stage(), e.step()).put("tookMillis", e.took().toMillis());
        } else if (event instanceof BuildEvent.StepFailed e) {
            step(f, e.stage(), e.step()).put("error", String.valueOf(e.error().getMessage()));
        } else if (event instanceof BuildEvent.CleanupRan e) {
            step(f, e.stage(), e.step());
        } else if (event instanceof BuildEvent.CleanupFailed e) {
            step(f, e.stage(), e.step()).put("error", String.valueOf(e.error().getMessage()));
        } else if (event instanceof BuildEvent.Progress e) {
            step(f, e.stage(), e.step()).put("done", e.done());
            f.put("total", e.total());
        } else if (event instanceof BuildEvent.GuestOutput e) {
            f.put("stage", e.stage());
            f.put("source", e.source());
            f.put("stream", e.stream().name().toLowerCase(java.util.Locale.ROOT));
            f.put("line", e.line());
        } else if (event instanceof BuildEvent.CheckFinished e) {
            f.put("stage", e.stage());
            f.put("check", e.check());
            f.put("passed", e.passed());
            f.put("seconds", e.took().toMillis() / 1000.0);
            f.put("detail", e.detail());
        } else if (event instanceof BuildEvent.Message e) {
            f.put("stage", e.stage());
            f.put("level", e.level().name().toLowerCase(java.util.Locale.ROOT));
            f.put("text", e.text());
        }
        return f;
    }

    /** The last line of a build that succeeded: each image, and the published image's id. */
    static Map<String, Object> result(BuildResult result) {
        Map<String, Object> f = start("BuildSucceeded");
        f.put("stages", result.stages().stream().map(s -> {
            Map<String, Object> stage = new LinkedHashMap<>();
            stage.put("name", s.name());
            stage.put("image", s.image().toString());
            stage.put("sha256", s.sha256());
            stage.put("reused", s.reused());
            return stage;
        }).toList());
        f.put("publishedImageId", result.publishedImageId().orElse(null));
        return f;
    }

    static Map<String, Object> start(String type) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("time", Instant.now().toString());
        f.put("type", type);
        return f;
    }

    private static Map<String, Object> step(Map<String, Object> f, String stage, String step) {
        f.put("stage", stage);
        f.put("step", step);
        return f;
    }
}
