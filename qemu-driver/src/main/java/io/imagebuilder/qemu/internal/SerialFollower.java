package io.imagebuilder.qemu.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Follows the serial console file and passes each complete line on as a {@link BuildEvent.GuestOutput}
 * (masked by the context), so a user sees an installer's progress. A daemon thread, stopped by {@link #stop}.
 */
final class SerialFollower implements Runnable {

    private static final long POLL_MS = 500;

    private final Path file;
    private final StepContext ctx;
    private final String source;
    private final Thread thread;
    private volatile boolean stopped;

    SerialFollower(Path file, StepContext ctx, String domain) {
        this.file = file;
        this.ctx = ctx;
        this.source = "serial:" + domain;
        this.thread = new Thread(this, "serial-" + domain);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    @Override
    public void run() {
        long offset = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!stopped) {
            try {
                if (Files.isRegularFile(file)) {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                        f.seek(offset);
                        int n;
                        while ((n = f.read(buf)) > 0) {
                            offset += n;
                            for (int i = 0; i < n; i++) {
                                if (buf[i] == '\n') {
                                    emit(line);
                                } else if (buf[i] != '\r') {
                                    line.write(buf[i]);
                                }
                            }
                        }
                    }
                }
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                return; // following is best effort: serialTail still works
            }
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8)
                .replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\\p{Cntrl}", "");
        line.reset();
        if (!s.isBlank()) {
            ctx.guestOutput(source, BuildEvent.Stream.SERIAL, s);
        }
    }
}
