package io.imagebuilder.examples;

import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuildException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build against libvirtd as Debian configures it (its stock qemu.conf: QEMU runs as libvirt-qemu, dynamic
 * ownership), which is what a site's host has: the build works from folders that user can enter, stops before
 * making anything when one is closed to it, and the host's /etc/libvirt/qemu.conf is the same afterwards. The
 * other tests' libvirtd (the fixture's private configuration) is started again at the end.
 */
class StockLibvirtIT {

    private static final Path QEMU_CONF = Path.of("/etc/libvirt/qemu.conf");
    private static final Path DIR = Path.of("target/stock-libvirt").toAbsolutePath();
    private static String confBefore;

    @BeforeAll
    static void startLibvirtdAsTheHostHasIt() throws Exception {
        Fixtures.startLibvirtd(); // installs the packages on a fresh machine
        confBefore = sha256(QEMU_CONF);
        // As a machine that was stopped leaves it: virtlogd's pid file and socket in /run, no process. The
        // fixture's configuration does not need virtlogd; the host's does.
        leaveAStaleVirtlogdSocket();
        Fixtures.run(600, List.of("bash", Fixtures.TOP.resolve("qemu-driver/scripts/libvirtd-start.sh").toString(),
                "--host-config"));
        String caps = Fixtures.run(60, List.of("virsh", "-c", "qemu:///system", "capabilities"));
        assertTrue(caps.contains("<baselabel type='qemu'>+64055:+64055</baselabel>"), "QEMU should run as"
                + " libvirt-qemu: " + caps.lines().filter(l -> l.contains("baselabel")).toList());
    }

    @AfterAll
    static void restoreTheFixture() throws Exception {
        try {
            assertEquals(confBefore, sha256(QEMU_CONF), QEMU_CONF + " changed");
        } finally {
            Fixtures.startLibvirtd();
        }
    }

    @Test
    void aBuildRunsWithQemuAsLibvirtQemuAndLeavesTheHostsConfigurationAlone() throws Exception {
        Path out = DIR.resolve("output");
        Fixtures.run(60, List.of("rm", "-rf", out.toString())); // a VM must start: nothing from an earlier run
        BuildResult result = ImageBuilder.from(template(guestCopy())).outputDirectory(out)
                .cacheDirectory(DIR.resolve("cache")).build();
        assertTrue(Files.size(result.image()) > 0);
        assertEquals(out.resolve("stock.qcow2"), result.image());
        assertFalse(Files.exists(out.resolve(".work")) && Files.list(out.resolve(".work")).findAny().isPresent(),
                "work folder left");
    }

    @Test
    void aFolderClosedToQemusUserStopsTheBuildBeforeAnythingIsMade() throws Exception {
        Path closed = Files.createDirectories(DIR.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path out = closed.resolve("output");
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> ImageBuilder.from(
                template(guestCopy())).outputDirectory(out).cacheDirectory(DIR.resolve("cache")).build());
        assertEquals("check-host", e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("QEMU runs as libvirt-qemu (uid 64055)")
                && e.getMessage().contains("cannot enter " + closed)
                && e.getMessage().contains("setfacl -m u:libvirt-qemu:x " + closed), e.getMessage());
        assertFalse(Files.exists(out.resolve(".work")), "nothing made");
    }

    private static void leaveAStaleVirtlogdSocket() throws Exception {
        Fixtures.run(60, List.of("sh", "-c", "pkill -x virtlogd; for i in $(seq 50); do"
                + " pgrep -r RSD -x virtlogd >/dev/null || break; sleep 0.1; done"));
        Path socket = Path.of("/run/libvirt/virtlogd-sock");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file, refusing connections
        }
    }

    /** The test guest, copied where libvirt-qemu can read it (the fixture keeps it in root's home). */
    private static Path guestCopy() throws Exception {
        Path guest = Path.of(Fixtures.run(1800, List.of("bash", Fixtures.TOP.resolve(
                "qemu-driver/scripts/test-guest.sh").toString())).strip().lines().reduce((a, b) -> b).orElseThrow());
        Path copy = Files.createDirectories(DIR.resolve("guest"));
        for (String f : List.of("vmlinuz", "initrd.img", "rootfs.qcow2")) {
            if (!Files.exists(copy.resolve(f))) {
                Files.copy(guest.resolve(f), copy.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }

    private static ImageTemplate template(Path guest) {
        return ImageTemplate.builder("stock")
                .source(new Source.Kernel(guest.resolve("vmlinuz"), guest.resolve("initrd.img"),
                        "root=/dev/vda rw console=ttyS0 net.ifnames=0", Optional.of(new Source.DiskImage(
                        guest.resolve("rootfs.qcow2").toString(), Optional.empty(), true, Source.Boot.none())),
                        Source.Boot.none()))
                .machine(new Machine(1, 512, 1024, Accelerator.AUTO, true, List.of()))
                .communicator(new Communicator("root", Optional.of(Secret.of("imagebuilder-test")), Optional.empty(),
                        22, Duration.ofMinutes(5), false))
                .provisioner(new ProvisionerSpec.Shell(Location.UNKNOWN, "shell[1]",
                        List.of("echo built under stock libvirt > /root/stock"), List.of(), Map.of(),
                        ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false, ProvisionerSpec.Common.defaults()))
                .shutdown(new Shutdown(Optional.of("poweroff"), Duration.ofMinutes(2)))
                .build();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
