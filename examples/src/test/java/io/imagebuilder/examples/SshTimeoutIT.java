package io.imagebuilder.examples;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.ImageBuildException;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.Shutdown;
import io.imagebuilder.template.Source;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build VM that never answers SSH (a real libvirtd + QEMU boot of the test guest whose init exits at once,
 * so the kernel panics): the build fails in wait-for-ssh with an error quoting the serial console, and
 * cleans up after itself.
 */
class SshTimeoutIT {

    @Test
    void aGuestThatNeverAnswersSshFailsWithTheSerialTailAndLeavesNothing() throws Exception {
        Fixtures.startLibvirtd();
        Path guest = Path.of(Fixtures.run(1800, List.of("bash", Fixtures.TOP.resolve(
                "qemu-driver/scripts/test-guest.sh").toString())).strip().lines().reduce((a, b) -> b).orElseThrow());
        Path output = Files.createDirectories(Path.of("target/ssh-timeout").toAbsolutePath());
        ImageTemplate t = ImageTemplate.builder("no-root")
                .source(new Source.Kernel(guest.resolve("vmlinuz"), guest.resolve("initrd.img"),
                        "root=/dev/vda ro console=ttyS0 init=/bin/false", Optional.of(new Source.DiskImage(
                        guest.resolve("rootfs.qcow2").toString(), Optional.empty(), true, Source.Boot.none())),
                        Source.Boot.none()))
                .machine(new Machine(1, 512, 1024, Accelerator.AUTO, true, List.of()))
                .communicator(new Communicator("root", Optional.of(Secret.of("never-used-pw")), Optional.empty(),
                        22, Duration.ofSeconds(60), false))
                .provisioner(new ProvisionerSpec.Shell(io.imagebuilder.template.Location.UNKNOWN, "shell[1]",
                        List.of("true"), List.of(), Map.of(), ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false,
                        ProvisionerSpec.Common.defaults()))
                .shutdown(new Shutdown(Optional.of("poweroff"), Duration.ofMinutes(1)))
                .build();
        List<String> messages = new ArrayList<>();
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> ImageBuilder.from(t)
                .outputDirectory(output).listener(ev -> {
                    if (ev instanceof BuildEvent.Message m) {
                        messages.add(m.text());
                    }
                }).build());
        String m = e.getMessage();
        System.out.println(m);
        assertEquals("wait-for-ssh", e.step(), m);
        assertTrue(m.contains("timed out after PT1M waiting for SSH on 127.0.0.1:"), m);
        assertTrue(m.contains("last serial console lines:"), m);
        assertTrue(m.contains("Kernel panic") || m.contains("Attempted to kill init"), m);
        assertFalse(m.contains("never-used-pw"), m);

        String domains = Fixtures.run(60, List.of("virsh", "-c", "qemu:///system", "list", "--all", "--name"));
        assertFalse(domains.contains("imagebuilder-no-root"), "domain left: " + domains);
        try (Stream<Path> left = Files.exists(output.resolve(".work")) ? Files.list(output.resolve(".work"))
                : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "work folder left");
        }
        assertFalse(Files.exists(output.resolve("no-root.qcow2")), "no image that looks finished");
    }
}
