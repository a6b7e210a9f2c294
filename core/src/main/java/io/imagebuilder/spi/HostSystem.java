package io.imagebuilder.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A build disk opened on this host for the chroot executor: its root file system mounted with what a package
 * manager needs around it, and a {@link GuestSession} that runs commands inside it. Opened by a
 * {@link MachineDriver}; closed by the step that opened it, which must leave no mount, device or process.
 */
public interface HostSystem extends AutoCloseable {

    /** Runs the provisioners' commands and places their files inside the mounted system. */
    GuestSession session();

    /** The disk that holds what the provisioners wrote, valid once closed: the stage's image is made from it. */
    Path disk();

    /** Restores what was changed for the chroot, stops what runs in it, unmounts and detaches; idempotent. */
    @Override
    void close() throws IOException;
}
