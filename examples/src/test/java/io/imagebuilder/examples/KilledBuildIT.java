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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build whose JVM is killed (SIGKILL: an OOM kill, a CI time-out) while it provisions leaves its VM running;
 * {@code build-image clean --dry-run} names it, and the next build into the same output removes it and its
 * work folder, says so, and succeeds. Real libvirtd, QEMU and the test guest.
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

        Process build = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
                "io.imagebuilder.cli.BuildImage", "--templates", templates.getParent().toString(), "--only",
                "killed", "-o", output.toString(), "--var", "nap=600", "-v").redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> provisioning = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(build.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains("provisioning-started")) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(provisioning.get(10, TimeUnit.MINUTES), "the build reached its provisioner");
        } finally {
            build.destroyForcibly().waitFor(); // SIGKILL: no cleanup runs
        }
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
}
