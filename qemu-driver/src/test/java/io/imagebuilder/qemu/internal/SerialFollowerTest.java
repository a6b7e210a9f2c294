package io.imagebuilder.qemu.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SerialFollowerTest {

    @TempDir
    Path dir;

    @Test
    void completeLinesBecomeMaskedSerialEvents() throws Exception {
        List<BuildEvent.GuestOutput> got = new CopyOnWriteArrayList<>();
        SecretMasker masker = new SecretMasker();
        masker.add("s3cret-pw");
        StepContext ctx = new StepContext("t", dir, e -> {
            if (e instanceof BuildEvent.GuestOutput g) {
                got.add(g);
            }
        }, new Cancellation(), masker);
        Path log = dir.resolve("serial.log");
        SerialFollower f = new SerialFollower(log, ctx, "vm1");
        f.start();
        try {
            Files.writeString(log, "first\r\n\u001B[1mbold\u001B[0m password s3cret-pw\r\nhalf");
            waitFor(got, 2);
            Files.writeString(log, " line\n", StandardOpenOption.APPEND);
            waitFor(got, 3);
        } finally {
            f.stop();
        }
        assertEquals(List.of("first", "bold password ********", "half line"),
                got.stream().map(BuildEvent.GuestOutput::line).toList());
        assertEquals("serial:vm1", got.get(0).source());
        assertEquals(BuildEvent.Stream.SERIAL, got.get(0).stream());
    }

    private static void waitFor(List<?> list, int size) throws InterruptedException {
        for (int i = 0; i < 100 && list.size() < size; i++) {
            Thread.sleep(50);
        }
    }
}
