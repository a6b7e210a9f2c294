package io.imagebuilder.template;

import java.util.Objects;

/**
 * A value that must never be printed: passwords, tokens, private keys. {@link #toString()} masks it; only
 * {@link #reveal()} gives the text, and callers must not log what it returns.
 */
public final class Secret {

    public static final String MASK = "********";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
