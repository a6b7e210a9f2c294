package io.imagebuilder.spi;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Communicator;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Opens the {@link GuestSession} provisioners run in, over SSH. Implemented by the provisioners module, found
 * with {@link java.util.ServiceLoader}. Which provisioner runs is decided by the core, not here.
 */
public interface GuestAccess {

    /** A fresh ed25519 key pair for one build, its private key written (mode 600) into {@code dir}. */
    TemporaryKey createTemporaryKey(Path dir) throws Exception;

    /**
     * Connects once sshd answers, retrying quickly until the communicator's timeout. On timeout the error says
     * what was tried and quotes {@code serialTail}. The first host key seen is pinned for the session.
     */
    GuestSession connect(String host, int port, Communicator communicator, TemporaryKey key,
                         Supplier<List<String>> serialTail, StepContext ctx) throws Exception;

    /** @param privateKey may be null when the communicator uses a password or its own key */
    record TemporaryKey(Path privateKey, String publicKeyLine) {
        public static final TemporaryKey NONE = new TemporaryKey(null, "");
    }
}
