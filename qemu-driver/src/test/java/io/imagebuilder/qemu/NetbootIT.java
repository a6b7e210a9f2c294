package io.imagebuilder.qemu;

import com.sun.net.httpserver.HttpServer;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian netboot installer by direct kernel boot fetches its preseed from a host HTTP server at 10.0.2.2
 * (QEMU user networking). A full install cannot finish here (the mirror lacks some udebs), so the test stops at
 * the fetch.
 */
class NetbootIT {

    private static final Path DI = Path.of("/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64");

    @TempDir
    Path work;

    @Test
    void installerFetchesPreseedFromHostServer() throws Exception {
        Fixtures.libvirtd();
        Fixtures.run(600, "bash", "-c", "dpkg-query -W debian-installer-12-netboot-amd64 >/dev/null 2>&1 || "
                + "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-installer-12-netboot-amd64");
        List<String> requests = new CopyOnWriteArrayList<>();
        CountDownLatch fetched = new CountDownLatch(1);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            byte[] body = "d-i debian-installer/locale string en_US\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/preseed.cfg") ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            if (ex.getRequestURI().getPath().equals("/preseed.cfg")) {
                fetched.countDown();
            }
        });
        http.start();
        Fixtures.Recorder rec = new Fixtures.Recorder(work);
        LibvirtDriver driver = new LibvirtDriver();
        String name = "ib-it-netboot-" + UUID.randomUUID().toString().substring(0, 8);
        Path disk = work.resolve("disk.qcow2");
        try {
            driver.prepareDisk(new DiskPlan(DiskPlan.Kind.NEW, Optional.empty(), 2048, disk), rec.ctx);
            String cmdline = "auto=true priority=critical url=http://10.0.2.2:" + http.getAddress().getPort()
                    + "/preseed.cfg console=ttyS0 DEBIAN_FRONTEND=text";
            MachineSpec spec = new MachineSpec(name, new Machine(1, 1024, 2048, Accelerator.AUTO, true, List.of()),
                    disk, Optional.empty(), Optional.of(new MachineSpec.KernelBoot(DI.resolve("linux"),
                    DI.resolve("initrd.gz"), cmdline)), work.resolve("serial.log"), 22);
            long t0 = System.nanoTime();
            try (MachineInstance vm = driver.start(spec, rec.ctx)) {
                boolean ok = fetched.await(5, TimeUnit.MINUTES);
                System.out.printf("TIMING netboot start -> preseed fetched: %.1f s%n", (System.nanoTime() - t0) / 1e9);
                assertTrue(ok, "no preseed fetch in 5 min; requests " + requests + "; serial:\n"
                        + String.join("\n", vm.serialTail(30)));
                assertTrue(vm.isRunning());
                // The installer has no ACPI handler: power-off must escalate to a hard stop, and say so.
                vm.powerOff(Duration.ofSeconds(2), rec.ctx);
                assertFalse(vm.isRunning());
                assertTrue(rec.messages().stream().anyMatch(m -> m.contains("after ACPI power-off: hard stop")),
                        rec.messages().toString());
            }
        } finally {
            http.stop(0);
        }
        assertTrue(requests.contains("GET /preseed.cfg"), requests.toString());
        assertFalse(Fixtures.allDomains().contains(name));
        assertEquals(List.of(), Fixtures.libvirtFilesOf(name));
        assertTrue(Files.exists(work.resolve("serial.log")));
    }
}
