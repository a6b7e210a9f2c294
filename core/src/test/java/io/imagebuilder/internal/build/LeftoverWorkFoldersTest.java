package io.imagebuilder.internal.build;

import io.imagebuilder.spi.BuildOwner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a killed build left in its work folder (here with a real tmpfs mount and a real loop device, as a
 * bootstrap leaves them) is removed by the next build; a running build's folder, or one without an owner
 * record, is not.
 */
class LeftoverWorkFoldersTest {

    @TempDir
    Path output;

    private Path folder(String name, String owner) throws Exception {
        Path dir = Files.createDirectories(output.resolve(".work").resolve(name));
        if (owner != null) {
            Files.writeString(dir.resolve(LeftoverWorkFolders.OWNER_FILE), owner + "\n");
        }
        return dir;
    }

    private static String ended() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        long start = p.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        long pid = p.pid();
        p.destroyForcibly().waitFor();
        return new BuildOwner(pid, start, BuildOwner.current().bootId()).record();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    @Test
    void aKilledBuildsFolderGoesWithItsMountsAndLoopDevicesOthersStay() throws Exception {
        Path killed = folder("imagebuilder-base-00000001", ended());
        Path root = Files.createDirectories(killed.resolve("bootstrap.x/root"));
        run("mount", "-t", "tmpfs", "tmpfs", root.toString());
        Path raw = killed.resolve("bootstrap.x/disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        String loop = run("losetup", "-f", "--show", raw.toString());
        Path running = folder("imagebuilder-base-00000002", BuildOwner.current().record());
        Path unmarked = folder("imagebuilder-base-00000003", null);
        try {
            List<String> dry = LeftoverWorkFolders.reap(output, true);
            assertEquals(1, dry.size(), dry.toString());
            assertTrue(dry.get(0).startsWith("would remove work folder " + killed) && dry.get(0).contains(loop),
                    dry.get(0));
            assertTrue(Files.isDirectory(killed), "a dry run removes nothing");

            List<String> said = LeftoverWorkFolders.reap(output, false);
            assertEquals(List.of(dry.get(0).replace("would remove", "removed")), said);
            assertFalse(Files.exists(killed));
            assertEquals(List.of(), LeftoverWorkFolders.mountsUnder(killed));
            assertFalse(run("losetup", "-a").contains(raw.toString()), "loop device detached");
            assertTrue(Files.isDirectory(running), "a running build's folder stays");
            assertTrue(Files.isDirectory(unmarked), "a folder without an owner record stays");
        } finally {
            if (Files.exists(root)) {
                new ProcessBuilder("umount", "-l", root.toString()).start().waitFor();
            }
            new ProcessBuilder("losetup", "-d", loop).start().waitFor();
        }
    }
}
