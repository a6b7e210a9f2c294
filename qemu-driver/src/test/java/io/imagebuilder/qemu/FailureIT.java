package io.imagebuilder.qemu;

import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How start() fails, against the real libvirtd: clear messages, nothing defined, nothing left. */
class FailureIT {

    @TempDir
    Path work;

    private MachineSpec spec(String name, Path disk, Optional<MachineSpec.KernelBoot> kernel) {
        return new MachineSpec(name, Machine.defaults(), disk, Optional.empty(), kernel, work.resolve("serial.log"), 22);
    }

    private static String uniqueName(String what) {
        return "ib-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void unreachableLibvirtdSaysHowToStartIt() throws Exception {
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path disk = Files.writeString(work.resolve("d.qcow2"), "");
        LibvirtDriver driver = new LibvirtDriver("qemu+unix:///system?socket=" + work.resolve("no-such.sock"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> driver.start(spec(uniqueName("nolibvirt"), disk, Optional.empty()), rec.ctx));
        assertTrue(e.getMessage().contains("apt-get install qemu-system-x86 qemu-utils libvirt-daemon-system")
                && e.getMessage().contains("--start-libvirtd"), e.getMessage());
        assertTrue(e.getMessage().contains("no-such.sock"), e.getMessage());
        // asked before a stage makes anything, it is the same sentence
        assertEquals(List.of(e.getMessage()), driver.hostProblems(List.of(work)));
    }

    @Test
    void missingKernelFailsBeforeDefine() throws Exception {
        Fixtures.libvirtd();
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        Path disk = work.resolve("d.qcow2");
        LibvirtDriver driver = new LibvirtDriver();
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 64, disk), rec.ctx);
        String name = uniqueName("nokernel");
        Path kernel = work.resolve("vmlinuz-missing");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> driver.start(
                spec(name, disk, Optional.of(new MachineSpec.KernelBoot(kernel, disk, "console=ttyS0"))), rec.ctx));
        assertTrue(e.getMessage().contains(kernel.toString()), e.getMessage());
        assertFalse(Fixtures.allDomains().contains(name));
        Path iso = work.resolve("missing.iso");
        FileNotFoundException isoError = assertThrows(FileNotFoundException.class, () -> driver.start(
                new MachineSpec(name, Machine.defaults(), disk, Optional.of(iso), Optional.empty(),
                        work.resolve("serial.log"), 22), rec.ctx));
        assertTrue(isoError.getMessage().contains(iso.toString()), isoError.getMessage());
        FileNotFoundException diskError = assertThrows(FileNotFoundException.class, () -> driver.start(
                spec(name, work.resolve("missing.qcow2"), Optional.empty()), rec.ctx));
        assertTrue(diskError.getMessage().contains("missing.qcow2"), diskError.getMessage());
        assertFalse(Fixtures.allDomains().contains(name));
    }

    @Test
    void nameClashIsReportedAndTheOtherDomainLeftAlone() throws Exception {
        Fixtures.libvirtd();
        String name = uniqueName("clash");
        Path xml = Files.writeString(work.resolve("other.xml"), "<domain type='qemu'><name>" + name
                + "</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "define", xml.toString());
        try {
            Fixtures.Recorder rec = new Fixtures.Recorder(work);
            Path disk = work.resolve("d.qcow2");
            LibvirtDriver driver = new LibvirtDriver();
            driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 64, disk), rec.ctx);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> driver.start(spec(name, disk, Optional.empty()), rec.ctx));
            assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("virsh undefine " + name),
                    e.getMessage());
            assertTrue(Fixtures.allDomains().contains(name), "the other domain is untouched");
        } finally {
            Fixtures.run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "undefine", name);
        }
        assertEquals(List.of(), Fixtures.libvirtFilesOf(name));
    }
}
