package io.imagebuilder.provision.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first bytes a remote helper command (cat, tar) prints, for an error message. */
final class BoundedText extends OutputStream {

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    BoundedText(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (bytes.size() < limit) {
            bytes.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        bytes.write(b, off, Math.min(len, Math.max(0, limit - bytes.size())));
    }

    /** ": TEXT" when anything was printed, else "". */
    synchronized String suffix() {
        String text = bytes.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : ": " + text;
    }
}
