package io.imagebuilder.provision.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Receives a remote stream's bytes and hands each complete line (without CR/LF) to the build's listener. */
final class LineSink extends OutputStream {

    /** Output without newlines (a progress bar, binary) is cut into lines of this size. */
    static final int MAX_LINE = 16 * 1024;

    private final StepContext ctx;
    private final String source;
    private final BuildEvent.Stream stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    LineSink(StepContext ctx, String source, BuildEvent.Stream stream) {
        this.ctx = ctx;
        this.source = source;
        this.stream = stream;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
                emit();
            }
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Emits a last line that had no newline. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        ctx.guestOutput(source, stream, text);
    }
}
