package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A StepContext whose events are recorded, for assertions. */
final class TestContext {

    final List<BuildEvent> events = new CopyOnWriteArrayList<>();
    final Cancellation cancellation = new Cancellation();
    final SecretMasker masker = new SecretMasker();
    final StepContext ctx;
    volatile Consumer<BuildEvent> onEvent = e -> { };

    TestContext(Path workDir) {
        ctx = new StepContext("test", workDir, e -> {
            events.add(e);
            onEvent.accept(e);
        }, cancellation, masker);
    }

    List<String> lines(BuildEvent.Stream stream) {
        return events.stream().filter(e -> e instanceof BuildEvent.GuestOutput g && g.stream() == stream)
                .map(e -> ((BuildEvent.GuestOutput) e).line()).toList();
    }

    /** Every text the events carry, for "no secret leaked" checks. */
    String allText() {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append(e).append('\n'));
        return b.toString();
    }
}
