package io.imagebuilder.template;

import java.time.Duration;
import java.util.Optional;

/**
 * How the VM is stopped once provisioned: the command over SSH (Packer's {@code shutdown_command}), then up to
 * {@code timeout} for the domain to shut off; after that ACPI power-off, then a hard stop.
 */
public record Shutdown(Optional<String> command, Duration timeout) {

    public static final Duration PACKER_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

    public static Shutdown defaults() {
        return new Shutdown(Optional.empty(), PACKER_SHUTDOWN_TIMEOUT);
    }
}
