package io.imagebuilder.examples;

import io.imagebuilder.BuildCancelledException;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildHandle;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.cli.BuildImageRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chroot executor for real: the test guest's disk opened on this host, provisioned at native speed (apt from
 * the Debian mirror, file and directory uploads), the image it makes read back; and after a success, a failure,
 * a cancel and a killed JVM (then clean), no mount, loop device or process of the build is left.
 */
class ChrootExecutorIT {

    private static final Path ROOT = Path.of("target/chroot-executor").toAbsolutePath();
    private static Path guest;

    private static final String TEMPLATE = """
            source:
              disk: {image: %s/rootfs.qcow2, overlay: true}
            machine: {disk_size: 2048, executor: chroot}
            provisioners:
              - shell:
                  inline:
                    - "echo in-the-chroot"
                    - "%s"
              - file: {source: tree, destination: /opt}
              - file: {source: one.sh, destination: /usr/local/bin/one.sh}
            """;

    @BeforeAll
    static void testGuest() throws Exception {
        guest = Path.of(Fixtures.run(1800, List.of("bash", Fixtures.TOP.resolve("qemu-driver/scripts/test-guest.sh")
                .toString())).strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    /** A template folder whose shell provisioner runs {@code command} after printing "in-the-chroot". */
    private static Path templates(String name, String command) throws Exception {
        Path dir = Files.createDirectories(ROOT.resolve("templates").resolve(name));
        Files.writeString(dir.resolve("image.yml"), TEMPLATE.formatted(guest, command));
        Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(dir.resolve("tree/sub/a.txt"), "from the tree\n");
        Path one = Files.writeString(dir.resolve("one.sh"), "#!/bin/sh\necho one\n");
        Files.setPosixFilePermissions(one, PosixFilePermissions.fromString("rwxr-x---"));
        return dir.getParent();
    }

    @Test
    void provisionsAtNativeSpeedAndTheImageHasItAll() throws Exception {
        Path templates = templates("chroot-ok", "apt-get update -q >/dev/null && apt-get install -y -q hello"
                + " >/dev/null && hello > /etc/hello-from-chroot && (/usr/sbin/policy-rc.d || echo policy=$?"
                + " >> /etc/hello-from-chroot)");
        Path output = ROOT.resolve("output-ok");
        BuildImageRunner.Result plan = BuildImageRunner.run("plan", "--templates", templates.toString(), "--only",
                "chroot-ok", "-o", output.toString());
        assertTrue(plan.output().contains("runs in  chroot (machine.executor: chroot)")
                && plan.output().contains("mount-disk -> provision shell[1]"), plan.output());

        BuildImageRunner.Result built = BuildImageRunner.run("--templates", templates.toString(), "--only",
                "chroot-ok", "-o", output.toString(), "-v", "--force");
        assertEquals(0, built.exitCode(), built.output());
        assertTrue(built.output().contains("in-the-chroot"), built.output());
        nothingLeft(output);

        String inside = Fixtures.run(300, List.of("bash", "-c", String.join("\n",
                "set -eu; d=$(mktemp -d); trap 'umount $d/m 2>/dev/null; rm -rf $d' EXIT; mkdir $d/m",
                "qemu-img convert -O raw \"$1\" $d/disk.raw; mount -o loop,ro $d/disk.raw $d/m",
                "cat $d/m/etc/hello-from-chroot; cat $d/m/opt/tree/sub/a.txt",
                "stat -c 'one=%a' $d/m/usr/local/bin/one.sh",
                "[ -e $d/m/usr/sbin/policy-rc.d ] && echo policy-rc.d=left || echo policy-rc.d=restored",
                "cmp -s $d/m/etc/resolv.conf /etc/resolv.conf && echo resolv=host || echo resolv=image",
                "echo machine-id=$(stat -c %s $d/m/etc/machine-id)"), "inspect",
                output.resolve("chroot-ok.qcow2").toString()));
        assertTrue(inside.contains("Hello, world!") && inside.contains("policy=101"), inside);
        assertTrue(inside.contains("from the tree") && inside.contains("one=750"), inside);
        assertTrue(inside.contains("policy-rc.d=restored") && inside.contains("machine-id=0"), inside);
    }

    @Test
    void aFailedProvisionerLeavesNothingRunningOrMounted() throws Exception {
        Path templates = templates("chroot-fails", "sleep 600 & echo daemon-started; exit 3");
        Path output = ROOT.resolve("output-fails");
        BuildImageRunner.Result built = BuildImageRunner.run("--templates", templates.toString(), "--only",
                "chroot-fails", "-o", output.toString());
        assertEquals(1, built.exitCode(), built.output());
        assertTrue(built.output().contains("shell[1]") && built.output().contains("exit"), built.output());
        nothingLeft(output);
    }

    @Test
    void aCancelledBuildLeavesNothing() throws Exception {
        Path templates = templates("chroot-cancel", "echo nap-started; sleep 600");
        Path output = ROOT.resolve("output-cancel");
        CountDownLatch napping = new CountDownLatch(1);
        BuildHandle handle = ImageBuilder.from(templates, "chroot-cancel").outputDirectory(output).listener(e -> {
            if (e instanceof BuildEvent.GuestOutput g && g.line().contains("nap-started")) {
                napping.countDown();
            }
        }).start();
        assertTrue(napping.await(5, TimeUnit.MINUTES), "the provisioner started");
        handle.cancel();
        assertThrows(BuildCancelledException.class, handle::await);
        nothingLeft(output);
    }

    @Test
    void aKilledBuildsMountsAndLoopDeviceAreRemovedByClean() throws Exception {
        Path templates = templates("chroot-killed", "echo nap-started; sleep 600");
        Path output = ROOT.resolve("output-killed");
        List<String> command = new ArrayList<>(List.of("java", "-cp", System.getProperty("java.class.path"),
                "io.imagebuilder.cli.BuildImage", "--templates", templates.toString(), "--only", "chroot-killed",
                "-o", output.toString(), "-v"));
        Process build = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> napping = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(build.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.contains("nap-started")) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(napping.get(5, TimeUnit.MINUTES), "the provisioner started");
        } finally {
            build.destroyForcibly().waitFor(); // SIGKILL: no cleanup runs
        }
        assertTrue(mounts(output) > 0 && loops(output) > 0, "the killed build left its mounts and loop device");
        BuildImageRunner.Result clean = BuildImageRunner.run("clean", "-o", output.toString());
        assertEquals(0, clean.exitCode(), clean.output());
        assertTrue(clean.output().contains("mount(s)") && clean.output().contains("loop device(s)"), clean.output());
        nothingLeft(output);
    }

    /** No mount, loop device or process of the output's builds, and no work folder. */
    private static void nothingLeft(Path output) throws Exception {
        assertEquals(0, mounts(output), Files.readString(Path.of("/proc/mounts")));
        assertEquals(0, loops(output), Fixtures.run(30, List.of("losetup", "-a")));
        String processes = Fixtures.run(30, List.of("sh", "-c", "for p in /proc/[0-9]*; do r=$(readlink $p/root)"
                + " && case $r in " + output + "/*) echo $p $r;; esac; done; true"));
        assertEquals("", processes.strip(), "processes rooted in the chroot: " + processes);
        Path work = output.resolve(".work");
        if (Files.isDirectory(work)) {
            try (Stream<Path> left = Files.list(work)) {
                assertEquals(List.of(), left.toList(), "work folders left");
            }
        }
    }

    private static long mounts(Path output) throws Exception {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(output.toString()))
                .count();
    }

    private static long loops(Path output) throws Exception {
        return Fixtures.run(30, List.of("losetup", "-a")).lines().filter(l -> l.contains(output.toString())).count();
    }
}
