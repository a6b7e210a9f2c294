package io.imagebuilder.pipeline;

/** A typed slot in the build state that steps share (the disk path, the running VM, the SSH session...). */
public record Key<T>(String name, Class<T> type) {

    public static <T> Key<T> of(String name, Class<T> type) {
        return new Key<>(name, type);
    }

    @Override
    public String toString() {
        return name;
    }
}
