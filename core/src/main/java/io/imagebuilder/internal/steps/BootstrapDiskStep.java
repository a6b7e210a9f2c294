package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.template.Source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Makes the build VM's disk with debootstrap instead of an installer: a partitioned disk with GRUB that boots by
 * itself (here and in OpenStack), root login with the build's temporary key. Runs the bundled
 * {@code bootstrap-disk.sh} on the host, as root.
 */
final class BootstrapDiskStep implements Step {

    private static final String SCRIPT = "/io/imagebuilder/bootstrap/bootstrap-disk.sh";

    private final Source.Bootstrap source;
    private final long sizeMb;
    private final Path cacheDir;

    BootstrapDiskStep(Source.Bootstrap source, long sizeMb, Path cacheDir) {
        this.source = source;
        this.sizeMb = sizeMb;
        this.cacheDir = cacheDir;
    }

    @Override
    public String name() {
        return "bootstrap-disk";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Path script = ctx.workDir().resolve("bootstrap-disk.sh");
        try (InputStream in = BootstrapDiskStep.class.getResourceAsStream(SCRIPT)) {
            Files.copy(in, script);
        }
        GuestAccess.TemporaryKey key = ctx.require(BuildKeys.SSH_KEY);
        Path publicKey = Files.writeString(ctx.workDir().resolve("authorized_keys"), key.publicKeyLine() + "\n");
        Path disk = ctx.workDir().resolve("disk.qcow2");
        ctx.put(BuildKeys.DISK, disk);
        List<String> command = List.of("bash", script.toString(), disk.toString(), String.valueOf(sizeMb),
                source.suite(), source.mirror(), publicKey.toString(), String.join(",", source.packages()),
                source.proxy().orElse(""), cacheDir.resolve("packages").toAbsolutePath().toString());
        ctx.info("bootstrapping " + source.suite() + " from " + source.mirror() + " into a " + sizeMb + " MB disk");
        runLogged(command, "bootstrap", ctx);
    }

    @Override
    public void cleanup(StepContext ctx) throws IOException {
        Optional<Path> disk = ctx.remove(BuildKeys.DISK);
        if (disk.isPresent()) {
            Files.deleteIfExists(disk.get());
        }
    }

    /**
     * Runs a host command, its output lines reported as build messages (lines starting "| ", the output of apt
     * and dpkg, as debug messages: the build log keeps them, the console shows them at -v); fails with the last
     * lines.
     */
    static void runLogged(List<String> command, String what, StepContext ctx) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("| ")) {
                        ctx.log(BuildEvent.Level.DEBUG, what + " " + line);
                    } else {
                        ctx.info(what + ": " + line);
                    }
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 30) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, what + "-output");
        reader.start();
        try {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                ctx.cancellation().check();
            }
        } finally {
            if (p.isAlive()) {
                // cancelled: stop what the script runs (debootstrap, apt...), so that the script fails and its
                // exit trap undoes the mounts and loop devices; the script itself only if it hangs. A second
                // interrupt must not cut this short, or the disk would be deleted under a running trap.
                p.descendants().forEach(ProcessHandle::destroy);
                if (!waitUninterruptibly(p, 60_000)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    waitUninterruptibly(p, 10_000);
                }
            }
            reader.join(5_000);
        }
        if (p.exitValue() != 0) {
            List<String> last;
            synchronized (tail) {
                last = new ArrayList<>(tail);
            }
            throw new IOException(what + " failed with exit code " + p.exitValue() + ":\n  "
                    + String.join("\n  ", last));
        }
    }

    /** Waits for {@code p} to end, up to {@code millis}, through interrupts (kept for the caller); true if it ended. */
    private static boolean waitUninterruptibly(Process p, long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    p.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return !p.isAlive();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
