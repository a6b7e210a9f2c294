package io.imagebuilder.examples;

import io.imagebuilder.cli.BuildImageRunner;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build whose JVM is killed (SIGKILL: an OOM kill, a CI time-out) while it provisions leaves its VM running;
 * {@code build-image clean --dry-run} names it, and the next build into the same output removes it and its
 * work folder, says so, and succeeds. One killed while it bootstraps leaves mounts, a loop device and a
 * running debootstrap; {@code clean} removes them. Real libvirtd, QEMU, debootstrap and the test guest.
 */
class KilledBuildIT {

    private static final String TEMPLATE = """
            source:
              kernel:
                kernel: %1$s/vmlinuz
                initrd: %1$s/initrd.img
                cmdline: root=/dev/vda rw console=ttyS0 net.ifnames=0
                disk: {image: %1$s/rootfs.qcow2, overlay: true}
            machine: {cpus: 1, memory: 512, disk_size: 1024, accelerator: tcg}
            ssh: {username: root, password: imagebuilder-test, timeout: 10m}
            provisioners:
              - shell: {inline: ["echo provisioning-started", "sleep {{ nap }}"]}
            shutdown: {command: poweroff}
            """;

    /** Starts the CLI in a JVM of its own and kills it (SIGKILL) once it printed a line containing {@code mark}. */
    private static void killWhenPrinted(String mark, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("java", "-cp", System.getProperty("java.class.path"),
                "io.imagebuilder.cli.BuildImage"));
        command.addAll(List.of(args));
        Process build = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> reached = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(build.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains(mark)) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(reached.get(10, TimeUnit.MINUTES), "the build printed " + mark);
        } finally {
            build.destroyForcibly().waitFor(); // SIGKILL: no cleanup runs
        }
    }

    private static List<String> domains() throws Exception {
        return Fixtures.run(60, List.of("virsh", "-c", "qemu:///system", "list", "--all", "--name")).lines()
                .map(String::strip).filter(d -> d.startsWith("imagebuilder-killed-")).toList();
    }

    @Test
    void aKilledBuildsVmIsRemovedByTheNextBuildWhichSucceeds() throws Exception {
        Fixtures.startLibvirtd();
        Path guest = Path.of(Fixtures.run(1800, List.of("bash", Fixtures.TOP.resolve(
                "qemu-driver/scripts/test-guest.sh").toString())).strip().lines().reduce((a, b) -> b).orElseThrow());
        Path root = Files.createDirectories(Path.of("target/killed-build").toAbsolutePath());
        Path templates = Files.createDirectories(root.resolve("templates/killed"));
        Files.writeString(templates.resolve("image.yml"), TEMPLATE.formatted(guest));
        Path output = root.resolve("output");
        assertEquals(List.of(), domains(), "no earlier leftover");

        killWhenPrinted("provisioning-started", "--templates", templates.getParent().toString(), "--only",
                "killed", "-o", output.toString(), "--var", "nap=600", "-v");
        List<String> orphans = domains();
        assertEquals(1, orphans.size(), "the killed build's VM runs on: " + orphans);
        try (Stream<Path> work = Files.list(output.resolve(".work"))) {
            assertEquals(1, work.count(), "and its work folder stays");
        }

        BuildImageRunner.Result dry = BuildImageRunner.run("clean", "--dry-run", "-o", output.toString());
        assertEquals(0, dry.exitCode(), dry.output());
        assertTrue(dry.output().contains("would remove domain " + orphans.get(0)), dry.output());
        assertEquals(orphans, domains(), "a dry run removes nothing");

        BuildImageRunner.Result again = BuildImageRunner.run("--templates", templates.getParent().toString(),
                "--only", "killed", "-o", output.toString(), "--var", "nap=1");
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("removed domain " + orphans.get(0)), again.output());
        assertEquals(List.of(), domains(), "no VM left");
        try (Stream<Path> work = Files.list(output.resolve(".work"))) {
            assertEquals(List.of(), work.toList(), "no work folder left");
        }
        assertTrue(Files.isRegularFile(output.resolve("killed.qcow2")), "the second build made its image");
        String qemu = Fixtures.run(30, List.of("sh", "-c", "pgrep -af 'guest=imagebuilder-kille[d]' || true"));
        assertEquals("", qemu.strip(), "no QEMU left: " + qemu);
    }

    @Test
    void aBuildKilledWhileItBootstrapsLeavesNoMountLoopDeviceOrProcessAfterClean() throws Exception {
        Fixtures.startLibvirtd();
        Path root = Files.createDirectories(Path.of("target/killed-bootstrap").toAbsolutePath());
        Path templates = Files.createDirectories(root.resolve("templates/strap"));
        Files.writeString(templates.resolve("image.yml"), "source: {bootstrap: {suite: bookworm}}\n"
                + "machine: {disk_size: 2G}\n");
        Path output = root.resolve("output");
        killWhenPrinted("bootstrap: debootstrap bookworm", "--templates", templates.getParent().toString(),
                "--only", "strap", "-o", output.toString(), "-v");
        Path work;
        try (Stream<Path> folders = Files.list(output.resolve(".work"))) {
            work = folders.findFirst().orElseThrow();
        }
        BuildImageRunner.Result dry = BuildImageRunner.run("clean", "--dry-run", "-o", output.toString());
        assertTrue(dry.output().contains("would remove work folder " + work), dry.output());
        BuildImageRunner.Result clean = BuildImageRunner.run("clean", "-o", output.toString());
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().contains("removed work folder " + work), clean.output());
        assertTrue(Files.notExists(work));
        assertFalse(Files.readString(Path.of("/proc/mounts")).contains(work.toString()), "no mount left");
        String loops = Fixtures.run(30, List.of("losetup", "-a"));
        assertFalse(loops.contains(work.toString()), "no loop device left: " + loops);
        String processes = Fixtures.run(30, List.of("sh", "-c", "pgrep -af '" + work + "[/]' || true"));
        assertEquals("", processes.strip(), "no bootstrap process left: " + processes);
    }
}
