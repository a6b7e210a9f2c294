package io.imagebuilder.pipeline;

import io.imagebuilder.template.Secret;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Replaces every known secret value in a text with {@link Secret#MASK} before it is logged or reported. */
public final class SecretMasker {

    private final List<String> values = new CopyOnWriteArrayList<>();

    public void add(Secret secret) {
        add(secret.reveal());
    }

    /** Registers a raw value (short values are ignored: masking "a" everywhere would garble every log). */
    public void add(String value) {
        if (value != null && value.length() >= 3 && !values.contains(value)) {
            values.add(value);
            values.sort(Comparator.comparingInt(String::length).reversed()); // longest first
        }
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String v : values) {
            out = out.replace(v, Secret.MASK);
        }
        return out;
    }

    /**
     * The same error with every secret masked: returned as is when no message in its cause chain holds one,
     * otherwise a copy (class name, masked message, same stack traces) that is safe to log or rethrow.
     */
    public Throwable mask(Throwable error) {
        if (error == null || !leaks(error)) {
            return error;
        }
        Throwable copy = new MaskedException(error.getClass().getName() + ": " + mask(error.getMessage()),
                mask(error.getCause()));
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    private boolean leaks(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.equals(mask(m))) {
                return true;
            }
        }
        return false;
    }

    /** Stands for an error whose message had to be masked. */
    public static final class MaskedException extends RuntimeException {
        MaskedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
