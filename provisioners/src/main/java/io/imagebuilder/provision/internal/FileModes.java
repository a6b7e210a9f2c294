package io.imagebuilder.provision.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** A local file's mode, as uploads recreate it in the guest. */
final class FileModes {

    private FileModes() {
    }

    /** The permission bits including setuid/setgid/sticky where the platform tells them (Linux does). */
    static int of(Path path) throws IOException {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Integer.parseInt(octal(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)), 8);
        }
    }

    /** POSIX permissions as chmod's octal digits. */
    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 = 0400 ... OTHERS_EXECUTE = 0001
        }
        return String.format("%04o", mode);
    }
}
