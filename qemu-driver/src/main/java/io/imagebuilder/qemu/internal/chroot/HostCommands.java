package io.imagebuilder.qemu.internal.chroot;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the host's mount, losetup, partx and blkid, failing with what they printed. */
final class HostCommands {

    private static final long TIMEOUT_SECONDS = 120;

    private HostCommands() {
    }

    /** Its stdout (stderr only goes into a failure's message); a hung command is killed after 120 s. */
    static String run(String... command) throws IOException {
        Path out = Files.createTempFile("imagebuilder-cmd", ".out");
        Path err = Files.createTempFile("imagebuilder-cmd", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            // an interrupt must not leave an undo half done: the wait goes on, the interrupt is kept
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    p.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + (Files.readString(err).strip() + " " + Files.readString(out).strip()).strip());
            }
            return Files.readString(out).strip();
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Its output, or empty when it failed (a probe: blkid of a partition without a file system). */
    static java.util.Optional<String> tryRunOutput(List<String> command) {
        try {
            return java.util.Optional.of(run(command.toArray(String[]::new)));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
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
