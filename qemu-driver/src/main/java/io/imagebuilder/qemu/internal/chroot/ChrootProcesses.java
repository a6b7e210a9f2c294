package io.imagebuilder.qemu.internal.chroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Processes whose root is inside a chroot: a maintainer script may start a daemon in spite of policy-rc.d (an
 * init script run directly), and it would keep the mounts busy and outlive the build.
 */
public final class ChrootProcesses {

    private ChrootProcesses() {
    }

    /** The pids whose root directory is {@code root} or below it. */
    public static List<Long> under(Path root) {
        String prefix = root.toAbsolutePath().normalize().toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String r = Files.readSymbolicLink(p.resolve("root")).toString();
                    return r.equals(prefix) || r.startsWith(prefix + "/");
                } catch (IOException | SecurityException e) {
                    return false; // ended meanwhile, or not ours to see
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Kills them (and what they started), waiting up to 5 s each. */
    public static void killAllUnder(Path root) {
        for (long pid : under(root)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
                h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
            });
        }
    }
}
