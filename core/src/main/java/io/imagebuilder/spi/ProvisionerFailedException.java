package io.imagebuilder.spi;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.List;

/** A provisioner failed in the guest: names the provisioner, where it was declared, what ran and the output tail. */
public final class ProvisionerFailedException extends Exception {

    private final int exitCode;

    public ProvisionerFailedException(ProvisionerSpec spec, String what, int exitCode, List<String> tail) {
        super(message(spec, what + " exited with code " + exitCode, tail));
        this.exitCode = exitCode;
    }

    public ProvisionerFailedException(ProvisionerSpec spec, String problem, List<String> tail, Throwable cause) {
        super(message(spec, problem, tail), cause);
        this.exitCode = -1;
    }

    /** The command's exit code, -1 when it did not end normally (connection lost, timeout). */
    public int exitCode() {
        return exitCode;
    }

    private static String message(ProvisionerSpec spec, String problem, List<String> tail) {
        StringBuilder b = new StringBuilder("provisioner ").append(spec.displayName())
                .append(" (").append(spec.location()).append("): ").append(problem);
        if (!tail.isEmpty()) {
            b.append("; last ").append(tail.size()).append(" lines of output:");
            tail.forEach(line -> b.append("\n    ").append(line));
        }
        return b.toString();
    }
}
