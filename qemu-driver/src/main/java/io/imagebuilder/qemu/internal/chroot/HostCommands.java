package io.imagebuilder.qemu.internal.chroot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the host's mount, losetup and partx, failing with what they printed. */
final class HostCommands {

    private HostCommands() {
    }

    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(
                ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        // the output ended, so the command has (nearly) ended; an interrupt must not leave a half-done undo
        boolean ended = p.onExit().completeOnTimeout(p, 120, TimeUnit.SECONDS).join() != null && !p.isAlive();
        if (!ended) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }

    /** As {@link #run}, for cleanups: a failure is returned, not thrown, so the next undo still runs. */
    static String tryRun(List<String> command) {
        try {
            run(command.toArray(String[]::new));
            return "";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
