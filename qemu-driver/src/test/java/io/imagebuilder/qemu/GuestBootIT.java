package io.imagebuilder.qemu;

import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Boots the Debian test guest through the driver (real libvirtd, QEMU TCG): SSH, a boot command typed at the
 * VGA console, ACPI power-off, and no leftovers.
 */
class GuestBootIT {

    private static final Duration SSH_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path work;

    @Test
    void bootsToSshTypesAtTheConsoleAndPowersOff() throws Exception {
        Fixtures.libvirtd();
        Path guest = Fixtures.testGuest();
        Path key = guest.resolve("id_ed25519");
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        LibvirtDriver driver = new LibvirtDriver();

        Path disk = work.resolve("disk.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(guest.resolve("rootfs.qcow2")), 4096, disk),
                rec.ctx);
        String name = "ib-it-guest-" + UUID.randomUUID().toString().substring(0, 8);
        MachineSpec spec = new MachineSpec(name, new Machine(1, 512, 4096, io.imagebuilder.template.Accelerator.AUTO,
                true, java.util.List.of()), disk, Optional.empty(),
                Optional.of(new MachineSpec.KernelBoot(guest.resolve("vmlinuz"), guest.resolve("initrd.img"),
                        "root=/dev/vda rw console=ttyS0 net.ifnames=0")), work.resolve("serial.log"), 22);

        long t0 = System.nanoTime();
        MachineInstance vm = driver.start(spec, rec.ctx);
        int port = vm.sshPort();
        try {
            long started = System.nanoTime();
            assertTrue(vm.isRunning());
            assertTrue(Fixtures.allDomains().contains(name));
            assertTrue(vm.vncAddress().orElseThrow().matches("vnc://127\\.0\\.0\\.1:59\\d\\d"), vm.vncAddress().get());
            assertTrue(rec.messages().stream().anyMatch(m -> m.contains(vm.vncAddress().get())));
            assertTrue(rec.messages().stream().anyMatch(m -> m.startsWith("accelerator ")));

            waitForSsh(key, port, vm);
            double toSsh = (System.nanoTime() - started) / 1e9;
            System.out.printf("TIMING domain start -> SSH: %.1f s (driver start() took %.2f s)%n", toSsh,
                    (started - t0) / 1e9);
            assertEquals("6.1", Fixtures.ssh(key, port, "uname -r").substring(0, 3));
            System.out.println("guest boot: " + Fixtures.ssh(key, port, "systemd-analyze; systemd-analyze blame | head -5"));
            assertTrue(String.join("\n", vm.serialTail(5000)).contains("Linux version"), "serial log has the boot");
            assertTrue(rec.events.stream().anyMatch(e -> e instanceof io.imagebuilder.BuildEvent.GuestOutput g
                    && g.stream() == io.imagebuilder.BuildEvent.Stream.SERIAL && g.line().contains("Linux version")),
                    "serial lines are followed as GuestOutput events");

            // Log in at the VGA console (tty1) and run a command whose characters need shift chords.
            vm.typeBootCommand("root<enter><wait2>imagebuilder-test<enter><wait3>"
                    + "echo \"Typed: $((6*7)) A_b{c}|~\" > /tmp/typed<enter>", Duration.ofMillis(100), rec.ctx);
            String typed = waitForFile(key, port, "/tmp/typed");
            assertEquals("Typed: 42 A_b{c}|~\n", typed);

            long offStart = System.nanoTime();
            vm.powerOff(Duration.ofSeconds(120), rec.ctx);
            assertFalse(vm.isRunning());
            assertTrue(vm.waitForShutOff(Duration.ofSeconds(1), rec.ctx));
            System.out.printf("TIMING ACPI power-off -> shut off: %.1f s%n", (System.nanoTime() - offStart) / 1e9);
            assertTrue(rec.messages().stream().anyMatch(m -> m.contains("shut off after ACPI power-off")),
                    "the guest obeyed the ACPI button: " + rec.messages());
        } finally {
            long c0 = System.nanoTime();
            vm.close();
            System.out.printf("TIMING close(): %.2f s%n", (System.nanoTime() - c0) / 1e9);
        }
        vm.close(); // idempotent
        assertFalse(Fixtures.allDomains().contains(name), "domain undefined");
        assertEquals(java.util.List.of(), Fixtures.libvirtFilesOf(name));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)); // the forward is gone
        }
        assertTrue(Files.exists(disk), "the disk is the caller's to delete");
    }

    private static void waitForSsh(Path key, int port, MachineInstance vm) throws Exception {
        long end = System.nanoTime() + SSH_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (Fixtures.ssh(key, port, "true") != null) {
                return;
            }
            assertTrue(vm.isRunning(), "the guest stopped: " + vm.serialTail(30));
            Thread.sleep(500);
        }
        fail("no SSH within " + SSH_TIMEOUT + "; serial log:\n" + String.join("\n", vm.serialTail(40)));
    }

    private static String waitForFile(Path key, int port, String file) throws Exception {
        for (int i = 0; i < 30; i++) {
            String s = Fixtures.ssh(key, port, "cat " + file + " 2>/dev/null");
            if (s != null && !s.isEmpty()) {
                return s;
            }
            Thread.sleep(1000);
        }
        String screen = Fixtures.ssh(key, port, "cat /dev/vcs1 2>/dev/null | tr -s ' '");
        fail(file + " never appeared; console screen: " + screen);
        return null;
    }
}
