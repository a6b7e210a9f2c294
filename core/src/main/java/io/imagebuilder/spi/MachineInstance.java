package io.imagebuilder.spi;

import io.imagebuilder.pipeline.StepContext;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running build VM. {@link #close()} destroys it, leaving nothing defined, and releases its ports; safe to
 * repeat.
 */
public interface MachineInstance extends AutoCloseable {

    String name();

    /** Host address and port forwarded to the guest's SSH port. */
    String sshHost();

    int sshPort();

    /** The host port (on {@link #sshHost()}) forwarded to {@code guestPort}, one of the spec's forwarded ports. */
    default int forwardedPort(int guestPort) {
        throw new IllegalArgumentException("guest port " + guestPort + " is not forwarded");
    }

    /** {@code vnc://127.0.0.1:5901} to watch the console, when the VM has a display. */
    Optional<String> vncAddress();

    /** The last {@code lines} lines of the serial console (for error messages), masked by the caller. */
    List<String> serialTail(int lines);

    /**
     * Types a boot command (Packer's grammar: {@code <enter>}, {@code <wait5>}, {@code <leftCtrlOn>}...), one key
     * event per call, {@code keyInterval} between keys. Build-time values are already substituted.
     */
    void typeBootCommand(String command, Duration keyInterval, StepContext ctx) throws Exception;

    boolean isRunning();

    /** Waits until the guest has powered itself off; false when {@code timeout} passed first. */
    boolean waitForShutOff(Duration timeout, StepContext ctx) throws Exception;

    /** ACPI power button, then (after {@code grace}) a hard stop; logs each escalation. */
    void powerOff(Duration grace, StepContext ctx) throws Exception;

    @Override
    void close();
}
