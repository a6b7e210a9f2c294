package io.imagebuilder.examples;

import io.imagebuilder.BuildCancelledException;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildHandle;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.Shutdown;
import io.imagebuilder.template.Source;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The installer path of a build, for real: the Debian netboot installer (direct kernel boot under libvirtd +
 * QEMU) fetches the preseed the build renders and serves on its embedded HTTP server at
 * {{ .HTTPIP }}:{{ .HTTPPort }}. A full install cannot finish on this network (FIXTURES.md), so the build is
 * cancelled once the preseed was fetched, and must leave nothing behind.
 */
class NetbootInstallerIT {

    private static final Path DI = Path.of("/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64");

    @Test
    void theInstallerFetchesTheRenderedPreseedThenACancelledBuildCleansUp() throws Exception {
        Fixtures.startLibvirtd();
        Fixtures.run(600, List.of("bash", "-c", "dpkg-query -W debian-installer-12-netboot-amd64 >/dev/null 2>&1 || "
                + "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-installer-12-netboot-amd64"));
        Path output = Files.createDirectories(Path.of("target/netboot").toAbsolutePath());
        ImageTemplate t = ImageTemplate.builder("netboot")
                .source(new Source.Kernel(DI.resolve("linux"), DI.resolve("initrd.gz"),
                        "auto=true priority=critical url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg"
                                + " hostname={{ .Name }} console=ttyS0 DEBIAN_FRONTEND=text",
                        Optional.empty(), Source.Boot.none()))
                .machine(new Machine(1, 1024, 4096, Accelerator.AUTO, true, List.of()))
                .communicator(new Communicator("root", Optional.of(Secret.of("preseed-root-pw")), Optional.empty(),
                        22, Duration.ofMinutes(60), false))
                .httpContent("preseed.cfg", "d-i debian-installer/locale string en_US.UTF-8\n"
                        + "d-i passwd/root-password password preseed-root-pw\n")
                .provisioner(new ProvisionerSpec.Shell(Location.UNKNOWN, "shell[1]", List.of("true"), List.of(),
                        Map.of(), ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false,
                        ProvisionerSpec.Common.defaults()))
                .shutdown(new Shutdown(Optional.of("poweroff"), Duration.ofMinutes(1)))
                .build();
        CountDownLatch fetched = new CountDownLatch(1);
        StringBuilder seen = new StringBuilder();
        long t0 = System.nanoTime();
        BuildHandle handle = ImageBuilder.from(t).outputDirectory(output).listener(e -> {
            if (e instanceof BuildEvent.Message m) {
                synchronized (seen) {
                    seen.append(m.text()).append('\n');
                }
                if (m.text().startsWith("HTTP GET /preseed.cfg -> 200")) {
                    fetched.countDown();
                }
            }
        }).start();
        boolean ok = fetched.await(8, TimeUnit.MINUTES);
        System.out.printf("TIMING netboot build start -> preseed fetched: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        handle.cancel();
        assertThrows(BuildCancelledException.class, handle::await);
        assertTrue(ok, "the installer never fetched the preseed:\n" + seen);
        assertFalse(seen.toString().contains("preseed-root-pw"), "the password in the preseed is masked");

        String domains = Fixtures.run(60, List.of("virsh", "-c", "qemu:///system", "list", "--all", "--name"));
        assertFalse(domains.contains("imagebuilder-netboot"), "domain left: " + domains);
        try (Stream<Path> left = Files.exists(output.resolve(".work")) ? Files.list(output.resolve(".work"))
                : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "work folder left");
        }
        assertFalse(Files.exists(output.resolve("netboot.qcow2")));
    }
}
