package io.imagebuilder.qemu.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleViewerTest {

    @TempDir
    Path dir;

    private final List<String> messages = new CopyOnWriteArrayList<>();

    private StepContext ctx() {
        return new StepContext("t", dir, e -> {
            if (e instanceof BuildEvent.Message m) {
                messages.add(m.level() + " " + m.text());
            }
        }, new Cancellation(), new SecretMasker());
    }

    @Test
    void withoutADisplayItSaysWhereToWatch() {
        ConsoleViewer.open("vnc://127.0.0.1:5901", Map.of("PATH", "/usr/bin"), ctx());
        assertEquals(List.of("WARN not headless, but there is no display (DISPLAY is not set): watch the console"
                + " with a VNC viewer at vnc://127.0.0.1:5901"), messages);
    }

    @Test
    void withADisplayItStartsTheViewerOnTheAddress() throws Exception {
        Path got = dir.resolve("got");
        Path viewer = dir.resolve("remote-viewer");
        Files.writeString(viewer, "#!/bin/sh\necho \"$1\" > " + got + ".tmp && mv " + got + ".tmp " + got + "\n");
        Files.setPosixFilePermissions(viewer, PosixFilePermissions.fromString("rwxr-xr-x"));
        ConsoleViewer.open("vnc://127.0.0.1:5901", Map.of("PATH", dir.toString(), "DISPLAY", ":0"), ctx());
        for (int i = 0; i < 50 && !Files.exists(got); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals("vnc://127.0.0.1:5901\n", Files.readString(got));
        assertTrue(messages.get(0).startsWith("INFO console opened in remote-viewer"), messages.toString());
    }
}
