package io.imagebuilder.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The build VM's disk: a new empty qcow2 of {@code sizeMb}, a qcow2 overlay backed by {@code base}, or a full
 * copy of {@code base} (grown to {@code sizeMb} if that is larger).
 */
public record DiskPlan(Kind kind, Optional<Path> base, long sizeMb, Path target) {

    public enum Kind { NEW, OVERLAY, COPY }

    public DiskPlan {
        if (kind != Kind.NEW && base.isEmpty()) {
            throw new IllegalArgumentException(kind + " disk needs a base image");
        }
    }
}
