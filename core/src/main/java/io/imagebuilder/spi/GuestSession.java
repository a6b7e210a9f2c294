package io.imagebuilder.spi;

import io.imagebuilder.pipeline.StepContext;

import java.nio.file.Path;

/**
 * A way to run commands and place files in the build's guest, as provisioners use it: an SSH connection to the
 * build VM (the provisioners module's), or any other session a {@link GuestAccess} opens.
 */
public interface GuestSession extends AutoCloseable {

    /**
     * Runs a command, streaming its output lines to the listener under {@code source}; returns the exit code,
     * or -1 when the connection dropped before it ended (expected for a shutdown command).
     */
    int run(String command, String source, StepContext ctx) throws Exception;

    /** Uploads one file to {@code remotePath} (parent folders created), keeping its mode; streamed. */
    void upload(Path local, String remotePath, StepContext ctx) throws Exception;

    /** Uploads the contents of {@code localDir} into {@code remoteDir} as one tar stream, keeping modes. */
    void uploadDirectory(Path localDir, String remoteDir, StepContext ctx) throws Exception;

    /** Closes and reopens the connection, waiting for sshd to answer again (after a reboot). */
    void reconnect(StepContext ctx) throws Exception;

    /** False once the connection dropped (the guest rebooted): the next provisioner reconnects first. */
    default boolean isOpen() {
        return true;
    }

    @Override
    void close();
}
