package io.imagebuilder.qemu;

import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cancelled build stops typing and waiting at once, and close() still removes everything. */
class CancellationIT {

    @TempDir
    Path work;

    @Test
    void cancelStopsTypingAndWaitingAndCloseCleansUp() throws Exception {
        Fixtures.libvirtd();
        Path guest = Fixtures.testGuest();
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        LibvirtDriver driver = new LibvirtDriver();
        Path disk = work.resolve("disk.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(guest.resolve("rootfs.qcow2")), 4096, disk),
                rec.ctx);
        String name = "ib-it-cancel-" + UUID.randomUUID().toString().substring(0, 8);
        MachineSpec spec = new MachineSpec(name, Machine.defaults(), disk, Optional.empty(),
                Optional.of(new MachineSpec.KernelBoot(guest.resolve("vmlinuz"), guest.resolve("initrd.img"),
                        "root=/dev/vda rw console=ttyS0 net.ifnames=0")), work.resolve("serial.log"), 22);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        MachineInstance vm = driver.start(spec, rec.ctx);
        try {
            timer.schedule(rec.cancellation::cancel, 1, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            assertThrows(CancellationException.class,
                    () -> vm.typeBootCommand("<esc><wait30>never typed", Duration.ofMillis(100), rec.ctx));
            assertTrue((System.nanoTime() - t0) / 1e9 < 5, "typing stopped promptly");
            assertThrows(CancellationException.class, () -> vm.waitForShutOff(Duration.ofMinutes(5), rec.ctx));
            assertTrue(vm.isRunning());
        } finally {
            timer.shutdownNow();
            vm.close();
        }
        assertFalse(vm.isRunning());
        assertFalse(Fixtures.allDomains().contains(name));
        assertEquals(List.of(), Fixtures.libvirtFilesOf(name));
    }
}
