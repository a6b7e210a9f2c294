package io.imagebuilder.provision.visa;

import java.util.List;

/** A VISA provisioner's script failed in the guest: names the provisioner, the exit code and the output tail. */
public final class VisaProvisionerException extends Exception {

    private final String provisioner;
    private final int exitCode;
    private final List<String> outputTail;

    public VisaProvisionerException(String provisioner, int exitCode, List<String> outputTail) {
        super(message(provisioner, exitCode, outputTail));
        this.provisioner = provisioner;
        this.exitCode = exitCode;
        this.outputTail = List.copyOf(outputTail);
    }

    public String provisioner() {
        return provisioner;
    }

    /** The script's exit code, or -1 when the connection dropped before it ended. */
    public int exitCode() {
        return exitCode;
    }

    public List<String> outputTail() {
        return outputTail;
    }

    private static String message(String provisioner, int exitCode, List<String> tail) {
        String what = exitCode == -1 ? "lost the connection to the guest before its script ended"
                : "failed: its script exited with code " + exitCode;
        StringBuilder sb = new StringBuilder("provisioner " + provisioner + " " + what);
        if (!tail.isEmpty()) {
            sb.append("; last output:");
            for (String line : tail) {
                sb.append("\n  ").append(line);
            }
        }
        return sb.toString();
    }
}
