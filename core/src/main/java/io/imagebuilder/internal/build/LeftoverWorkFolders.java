package io.imagebuilder.internal.build;

import io.imagebuilder.spi.BuildOwner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The work folders ({@code OUTPUT/.work/imagebuilder-*}) of builds that were killed, found by the owner file
 * each build writes into its own. A bootstrap of such a build may have left its debootstrap running, its disk
 * on a loop device and mounts under the folder: those go first (processes, then mounts deepest first, then
 * loop devices), then the folder. A folder without an owner file, or whose owner runs, is left alone.
 */
public final class LeftoverWorkFolders {

    /** The owner file in a work folder. */
    public static final String OWNER_FILE = "owner";

    private LeftoverWorkFolders() {
    }

    /** Writes this process's owner record into a new work folder. */
    public static void claim(Path workDir) throws IOException {
        Files.writeString(workDir.resolve(OWNER_FILE), BuildOwner.current().record() + "\n");
    }

    /** One line for each folder removed (or, with {@code dryRun}, that would be). */
    public static List<String> reap(Path outputDir, boolean dryRun) throws IOException {
        Path work = outputDir.toAbsolutePath().resolve(".work");
        List<String> said = new ArrayList<>();
        if (!Files.isDirectory(work)) {
            return said;
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(work)) {
            folders = list.filter(p -> p.getFileName().toString().startsWith("imagebuilder-")).sorted().toList();
        }
        for (Path dir : folders) {
            Path ownerFile = dir.resolve(OWNER_FILE);
            Optional<BuildOwner.Claim> claim = Files.isRegularFile(ownerFile)
                    ? BuildOwner.parse(Files.readString(ownerFile)) : Optional.empty();
            if (claim.isEmpty() || claim.get().owner().isAlive()) {
                continue;
            }
            List<String> mounts = mountsUnder(dir);
            List<String> loops = loopsUnder(dir);
            String what = "work folder " + dir + " of a build that no longer runs (pid " + claim.get().owner().pid()
                    + ")" + (mounts.isEmpty() ? "" : ", " + mounts.size() + " mount(s)")
                    + (loops.isEmpty() ? "" : ", loop device(s) " + loops);
            if (dryRun) {
                said.add("would remove " + what);
                continue;
            }
            killProcessesNaming(dir);
            for (String mount : mounts) {
                run("umount", "-l", mount);
            }
            for (String loop : loops) {
                run("losetup", "-d", loop);
            }
            deleteTree(dir);
            said.add("removed " + what);
        }
        return said;
    }

    /** Mount points under {@code dir}, deepest first ({@code /proc/mounts} escapes spaces as \040). */
    static List<String> mountsUnder(Path dir) throws IOException {
        Path mounts = Path.of("/proc/mounts");
        if (!Files.isReadable(mounts)) {
            return List.of();
        }
        String prefix = dir.toAbsolutePath() + "/";
        return Files.readAllLines(mounts).stream().map(l -> l.split(" ")).filter(f -> f.length > 1)
                .map(f -> f[1].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\"))
                .filter(m -> m.startsWith(prefix))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Loop devices whose backing file is under {@code dir}. */
    static List<String> loopsUnder(Path dir) throws IOException {
        Path block = Path.of("/sys/block");
        if (!Files.isDirectory(block)) {
            return List.of();
        }
        String prefix = dir.toAbsolutePath() + "/";
        List<String> out = new ArrayList<>();
        try (Stream<Path> devices = Files.list(block)) {
            for (Path d : devices.filter(p -> p.getFileName().toString().startsWith("loop")).sorted().toList()) {
                Path backing = d.resolve("loop/backing_file");
                if (Files.isReadable(backing) && Files.readString(backing).trim().startsWith(prefix)) {
                    out.add("/dev/" + d.getFileName());
                }
            }
        }
        return out;
    }

    /**
     * A killed build's children (its bootstrap script, debootstrap, a chroot's commands and what they started)
     * run on: stop those working in the folder or rooted in it.
     */
    private static void killProcessesNaming(Path dir) {
        String path = dir.toAbsolutePath().toString();
        HostProcesses.rootedIn(dir).forEach(HostProcesses::kill);
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(path)).orElse(false))
                .forEach(HostProcesses::kill);
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the folder's removal below says what is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes a folder and everything in it; a folder that is not there is fine. A folder with something still
     * mounted below it is refused: the walk would go down into the mount (a chroot's bind of the host's /dev).
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<String> mounted = mountsUnder(dir);
        if (!mounted.isEmpty()) {
            throw new IOException("not deleting " + dir + ": still mounted below it: " + String.join(", ", mounted)
                    + " (umount -l them, then delete it)");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
