package io.imagebuilder.qemu;

import io.imagebuilder.spi.BuildOwner;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the real libvirtd: build VMs are transient and carry their build's owner record, so a VM whose build
 * was killed is removed by the next build's reaper, with its work folder, while a running build's VM and a
 * domain that is not a build's (even one with our name prefix) are left alone.
 */
class LeftoverDomainsIT {

    @TempDir
    Path work;

    /** A build VM as a killed build leaves it: running, owned by a process that has ended. */
    private String startOrphan(Path disk, Path workDir) throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        long start = p.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        p.destroyForcibly().waitFor();
        BuildOwner dead = new BuildOwner(p.pid(), start, BuildOwner.current().bootId());
        String name = "imagebuilder-orphan-" + UUID.randomUUID().toString().substring(0, 8);
        Path xml = Files.writeString(work.resolve(name + ".xml"), "<domain type='qemu'><name>" + name + "</name>"
                + "<metadata>" + dead.domainMetadata(workDir) + "</metadata><memory unit='MiB'>64</memory>"
                + "<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>"
                + "<driver name='qemu' type='qcow2'/><source file='" + disk + "'/><target dev='vda' bus='virtio'/>"
                + "</disk></devices></domain>");
        Fixtures.run(60, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "create", xml.toString());
        return name;
    }

    @Test
    void aKilledBuildsVmIsReapedOthersAreNot() throws Exception {
        Fixtures.libvirtd();
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        LibvirtDriver driver = new LibvirtDriver();
        Path disk = work.resolve("d.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 64, disk), rec.ctx);
        Path orphanWork = Files.createDirectories(work.resolve(".work/imagebuilder-orphan-1"));
        String orphan = startOrphan(disk, orphanWork);

        // not a build's: our prefix, no owner record
        String other = "imagebuilder-someone-" + UUID.randomUUID().toString().substring(0, 8);
        Path otherXml = Files.writeString(work.resolve("other.xml"), "<domain type='qemu'><name>" + other
                + "</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "define", otherXml.toString());
        MachineInstance running = null;
        try {
            // a running build's VM: ours, transient, owned by this process
            String mine = "imagebuilder-mine-" + UUID.randomUUID().toString().substring(0, 8);
            running = startVm(mine, "d2.qcow2");
            List<String> defined = Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "list", "--all",
                    "--persistent", "--name");
            assertFalse(defined.contains(mine), "build VMs are transient: " + defined);

            assertEquals(List.of("would remove domain " + orphan + " of a build that no longer runs (pid "),
                    driver.reapOrphans(true).stream().map(l -> l.replaceAll("\\(pid .*", "(pid ")).toList());
            assertTrue(Fixtures.allDomains().contains(orphan), "a dry run removes nothing");

            List<String> said = driver.reapOrphans(false);
            assertEquals(1, said.size(), said.toString());
            assertTrue(said.get(0).startsWith("removed domain " + orphan) && said.get(0).contains(orphanWork
                    .toString()), said.get(0));
            List<String> left = Fixtures.allDomains();
            assertFalse(left.contains(orphan), left.toString());
            assertFalse(Files.exists(orphanWork), "its work folder went with it");
            assertTrue(left.contains(other) && left.contains(mine), "others are left alone: " + left);
        } finally {
            if (running != null) {
                running.close();
            }
            Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "undefine", other);
            if (Fixtures.allDomains().contains(orphan)) {
                Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "destroy", orphan);
            }
        }
    }

    /** A build VM of this process on a new empty disk (it boots nowhere: enough to be a running domain). */
    private MachineInstance startVm(String name, String diskName) throws Exception {
        Fixtures.libvirtd();
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        LibvirtDriver driver = new LibvirtDriver();
        Path disk = work.resolve(diskName);
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 64, disk), rec.ctx);
        return driver.start(new MachineSpec(name, Machine.defaults(), disk, Optional.empty(), Optional.empty(),
                work.resolve(diskName + ".serial.log"), 22), rec.ctx);
    }

    @Test
    void whenLibvirtdGoesAwayTheBuildSaysSoAndItsCleanupWaitsForItToComeBack() throws Exception {
        String name = "imagebuilder-nolibvirtd-" + UUID.randomUUID().toString().substring(0, 8);
        MachineInstance vm = startVm(name, "d.qcow2");
        String pid = Files.readString(Path.of("/run/imagebuilder/libvirtd.pid")).strip();
        Fixtures.run(30, "kill", "-9", pid);
        IllegalStateException e = assertThrows(IllegalStateException.class, vm::isRunning);
        assertTrue(e.getMessage().contains("libvirtd went away"), e.getMessage());
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(3000);
                Fixtures.libvirtd();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        restart.start();
        vm.close(); // retries until libvirtd answers again, then destroys the VM
        restart.join();
        assertFalse(Fixtures.allDomains().contains(name));
        String qemu = "pgrep -f 'guest=" + name.substring(0, name.length() - 1) + "[" + name.charAt(name.length() - 1)
                + "]' || true"; // [x]: pgrep's own command line does not match
        assertEquals(List.of(), Fixtures.run(30, "sh", "-c", qemu).stream().filter(l -> !l.isBlank()).toList(),
                "no QEMU left");
    }

    @Test
    void closingAVmWhoseQemuWasKilledReportsNothingLeftBehind() throws Exception {
        String name = "imagebuilder-killed-" + UUID.randomUUID().toString().substring(0, 8);
        MachineInstance vm = startVm(name, "d.qcow2");
        Fixtures.run(30, "pkill", "-9", "-f", "guest=" + name);
        for (int i = 0; i < 100 && Fixtures.allDomains().contains(name); i++) {
            Thread.sleep(100);
        }
        vm.close(); // throws when it claims something may be left behind
        assertFalse(Fixtures.allDomains().contains(name));
    }
}
