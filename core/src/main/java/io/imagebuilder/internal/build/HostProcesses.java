package io.imagebuilder.internal.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * This process and the host's others: whether we run as root, and the processes that belong to a build's folder
 * (rooted in it: a chroot's commands and daemons).
 */
public final class HostProcesses {

    private HostProcesses() {
    }

    /** The processes whose root directory is {@code dir} or below it. */
    public static List<ProcessHandle> rootedIn(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String r = Files.readSymbolicLink(p.resolve("root")).toString();
                    return r.equals(prefix) || r.startsWith(prefix + "/");
                } catch (IOException | SecurityException | UnsupportedOperationException e) {
                    return false; // ended meanwhile, or not ours to see
                }
            }).map(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())))
                    .flatMap(java.util.Optional::stream).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether this process runs as root (uid 0, whatever its user is called). */
    public static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Kills a process and what it started, waiting up to 5 s for it to end. */
    public static void kill(ProcessHandle p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.onExit().completeOnTimeout(p, 5, TimeUnit.SECONDS).join();
    }
}
