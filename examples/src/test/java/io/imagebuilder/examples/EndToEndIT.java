package io.imagebuilder.examples;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.qemu.LibvirtDriver;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job against real parts: libvirtd + QEMU (TCG), the guest's OpenSSH, Keystone + Glance. Builds the
 * embedded default chain (ci-base by debootstrap, then the lean VISA stage), publishes it, downloads it back
 * from Glance, boots it from its own bootloader with a cloud-init NoCloud seed as OpenStack would give one,
 * and checks what the provisioners installed; then rebuilds with nothing changed and with only the last stage
 * changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static Path work;
    private static Path output;
    private static Map<String, String> openrc;
    private static String publishedId;
    private static final List<String> log = new ArrayList<>();

    @BeforeAll
    static void startRealComponents() throws Exception {
        Fixtures.startLibvirtd();
        openrc = Fixtures.startOpenStack();
        work = Files.createDirectories(Path.of("target/e2e").toAbsolutePath());
        output = work.resolve("output");
        if (Files.exists(output)) {
            Fixtures.run(60, List.of("rm", "-rf", output.toString()));
        }
    }

    @AfterAll
    static void deleteThePublishedImage() throws Exception {
        if (publishedId != null) {
            Fixtures.run(120, List.of("openstack", "image", "delete", publishedId), openrc);
        }
    }

    private static ImageBuilder visaCi() {
        return ImageBuilder.from(Fixtures.TEMPLATES, "visa-ci").outputDirectory(output)
                .accelerator(Accelerator.AUTO)
                .listener(e -> {
                    String line = e.toString();
                    synchronized (log) {
                        log.add(line);
                    }
                    if (e instanceof BuildEvent.StepFinished || e instanceof BuildEvent.StepFailed
                            || e instanceof BuildEvent.Message) {
                        System.out.println(line);
                    }
                });
    }

    @Test
    @Order(1)
    void buildsPublishesAndThePublishedImageBootsWithEverythingInstalled() throws Exception {
        long start = System.nanoTime();
        BuildResult result = visaCi().publishTo(Fixtures.credentials(openrc)).build();
        System.out.println("full chain built and published in " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        assertEquals(List.of("ci-base", "visa-ci"), result.stages().stream().map(BuildResult.StageResult::name).toList());
        assertFalse(result.stages().get(0).reused());
        assertTrue(result.publishedImageId().isPresent());
        publishedId = result.publishedImageId().get();
        assertTrue(Files.readString(output.resolve("visa-ci.qcow2.sha256")).startsWith(result.sha256()));

        // download it back from Glance, as a cloud would get it, and compare with what we built
        Path downloaded = work.resolve("downloaded.qcow2");
        Files.deleteIfExists(downloaded);
        Fixtures.run(600, List.of("openstack", "image", "save", "--file", downloaded.toString(), publishedId), openrc);
        assertEquals(result.sha256(), Fixtures.run(120, List.of("sha256sum", downloaded.toString())).split("\\s+")[0]);

        bootAndCheck(downloaded);
    }

    /** Boots the image from its own bootloader (no kernel given) with a NoCloud seed, then checks it over SSH. */
    private static void bootAndCheck(Path image) throws Exception {
        Path key = work.resolve("id_ed25519");
        Files.deleteIfExists(key);
        Files.deleteIfExists(work.resolve("id_ed25519.pub"));
        Fixtures.run(30, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        String publicKey = Files.readString(work.resolve("id_ed25519.pub")).trim();
        String userData = "#cloud-config\ndisable_root: false\nssh_authorized_keys:\n  - " + publicKey + "\n";
        String metaData = "instance-id: e2e-" + System.currentTimeMillis() + "\nlocal-hostname: visa-e2e\n"
                + "meta:\n  owner: alice\n";
        StepContext ctx = Fixtures.context(work, e -> System.out.println(e));
        LibvirtDriver driver = new LibvirtDriver();
        Path disk = work.resolve("boot-check.qcow2");
        Files.deleteIfExists(disk);
        try (HttpFileServer seed = HttpFileServer.startOnLoopback(null, Map.of(
                "user-data", userData.getBytes(StandardCharsets.UTF_8),
                "meta-data", metaData.getBytes(StandardCharsets.UTF_8),
                "vendor-data", new byte[0]), System.out::println)) { // without vendor-data NoCloud gives up
            driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(image), 4096, disk), ctx);
            Machine machine = new Machine(2, 1024, 4096, Accelerator.AUTO, true, List.of(List.of("-smbios",
                    "type=1,serial=ds=nocloud;s=http://10.0.2.2:" + seed.port() + "/")));
            MachineSpec spec = new MachineSpec("imagebuilder-e2e-" + ProcessHandle.current().pid(), machine, disk,
                    Optional.empty(), Optional.empty(), work.resolve("boot-check-serial.log"), 22);
            try (MachineInstance vm = driver.start(spec, ctx)) {
                List<String> ssh = List.of("ssh", "-i", key.toString(), "-p", String.valueOf(vm.sshPort()),
                        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                        "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@" + vm.sshHost());
                waitForSsh(ssh, vm);
                assertTrue(seed.awaitRequest("meta-data", Duration.ofSeconds(1)).isPresent(), "NoCloud seed used");
                String checks = Fixtures.run(300, concat(ssh, "cloud-init status --wait >/dev/null 2>&1;"
                        + " echo guacd=$(/usr/local/sbin/guacd -v);"
                        + " echo guacd-enabled=$(systemctl is-enabled guacd 2>&1);"
                        + " echo guacd-conf=$(grep -c bind_port /etc/guacamole/guacd.conf);"
                        + " echo xrdp=$(dpkg-query -W -f='${Status}' xrdp);"
                        + " echo sesman-pam=$(grep -c pam_visa.so /etc/pam.d/xrdp-sesman);"
                        + " echo pam-module=$(find /lib /usr/lib /usr/local/lib -name pam_visa.so | head -n1);"
                        + " echo public-pem=$(stat -c '%a %U' /etc/visa/public.pem);"
                        + " echo owner=$(id -un alice 2>&1);"
                        + " echo sleep=$(systemctl is-enabled sleep.target suspend.target hibernate.target"
                        + " hybrid-sleep.target 2>&1 | sort -u | tr '\\n' ' ');"
                        + " echo motd=$(grep -c 'Welcome to VISA' /etc/motd)"));
                System.out.println(checks);
                assertTrue(checks.contains("guacd=Guacamole proxy daemon (guacd)"), checks);
                assertTrue(checks.contains("guacd-enabled=enabled"), checks);
                assertTrue(checks.contains("guacd-conf=1"), checks);
                assertTrue(checks.contains("xrdp=install ok installed"), checks);
                assertTrue(checks.contains("sesman-pam=1") || checks.matches("(?s).*sesman-pam=[1-9].*"), checks);
                assertTrue(checks.matches("(?s).*pam-module=/\\S+/pam_visa\\.so.*"), checks);
                assertTrue(checks.contains("public-pem=600 root"), checks);
                assertTrue(checks.contains("owner=alice"), "the cloud-init owner script made the owner: " + checks);
                assertTrue(checks.contains("sleep=masked "), checks);
                assertTrue(checks.contains("motd=1"), checks);
            }
        }
        Files.deleteIfExists(disk);
    }

    private static void waitForSsh(List<String> ssh, MachineInstance vm) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long start = System.nanoTime();
        while (true) {
            try {
                Fixtures.run(20, concat(ssh, "true"));
                System.out.println("published image answered SSH " + (System.nanoTime() - start) / 1_000_000_000
                        + " s after start");
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the published image never answered SSH; serial log:\n"
                            + String.join("\n", vm.serialTail(40)), notYet);
                }
                Thread.sleep(2000);
            }
        }
    }

    private static List<String> concat(List<String> a, String command) {
        List<String> all = new ArrayList<>(a);
        all.add(command);
        return all;
    }

    @Test
    @Order(2)
    void anUnchangedChainIsReusedWithoutStartingAnything() {
        long start = System.nanoTime();
        BuildResult again = visaCi().build();
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        System.out.println("unchanged rebuild took " + seconds + " s");
        assertTrue(again.stages().stream().allMatch(BuildResult.StageResult::reused), again.toString());
    }

    @Test
    @Order(3)
    void changingOnlyTheLastStageRebuildsOnlyIt() {
        long start = System.nanoTime();
        BuildResult changed = visaCi().variable("welcome_message", "Welcome to VISA (changed)").build();
        System.out.println("last-stage rebuild took " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        assertTrue(changed.stages().get(0).reused(), "ci-base reused");
        assertFalse(changed.stages().get(1).reused(), "visa-ci rebuilt");
    }
}
