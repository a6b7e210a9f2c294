package io.imagebuilder.provision.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineSinkTest {

    private final List<String> lines = new ArrayList<>();
    private final SecretMasker masker = new SecretMasker();
    private final StepContext ctx = new StepContext("s", Path.of("."), e -> lines.add(
            ((BuildEvent.GuestOutput) e).line()), new Cancellation(), masker);

    @Test
    void splitsOnNewlinesAcrossWritesStripsCrAndMasks() {
        masker.add("s3cret-value");
        LineSink sink = new LineSink(ctx, "src", BuildEvent.Stream.STDOUT);
        byte[] text = "one\r\ntw".getBytes(StandardCharsets.UTF_8);
        sink.write(text, 0, text.length);
        byte[] more = "o s3cret-value\nthree ü".getBytes(StandardCharsets.UTF_8);
        sink.write(more, 0, more.length);
        assertEquals(List.of("one", "two ********"), lines);
        sink.close();
        assertEquals(List.of("one", "two ********", "three ü"), lines);
    }

    @Test
    void cutsEndlessLines() {
        LineSink sink = new LineSink(ctx, "src", BuildEvent.Stream.STDERR);
        byte[] blob = "x".repeat(LineSink.MAX_LINE * 2 + 5).getBytes(StandardCharsets.UTF_8);
        sink.write(blob, 0, blob.length);
        sink.close();
        assertEquals(List.of(LineSink.MAX_LINE, LineSink.MAX_LINE, 5), lines.stream().map(String::length).toList());
    }
}
