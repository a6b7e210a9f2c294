package io.imagebuilder.template;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the build reaches the guest over SSH. Packer's defaults: port 22, a 5 minute timeout.
 *
 * @param temporaryKey generate an ed25519 key pair for this build (its public key is offered to the template as
 *                     {@code {{ .SSHPublicKey }}} for a preseed or cloud-init) instead of a password
 */
public record Communicator(String username, Optional<Secret> password, Optional<Path> privateKey, int port,
                           Duration timeout, boolean temporaryKey) {

    public static final Duration PACKER_SSH_TIMEOUT = Duration.ofMinutes(5);

    public static Communicator defaults() {
        return new Communicator("root", Optional.empty(), Optional.empty(), 22, PACKER_SSH_TIMEOUT, false);
    }

    @Override
    public String toString() {
        // records print every component; spell this one out so a password can never slip into a log
        return "Communicator[user=" + username + ", password=" + password.map(p -> Secret.MASK).orElse("none")
                + ", privateKey=" + privateKey.orElse(null) + ", port=" + port + ", timeout=" + timeout
                + ", temporaryKey=" + temporaryKey + "]";
    }
}
