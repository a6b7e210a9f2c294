package io.imagebuilder.examples;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.glance.GlanceTarget;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job against real parts: libvirtd + QEMU (TCG), the guest's OpenSSH, Keystone + Glance, and in the
 * image the real guacd, xrdp and XFCE. Builds the embedded default chain (ci-base by debootstrap, then the VISA
 * desktop stage), verifies it as VISA uses it (its template's verify: a Guacamole RDP session through the
 * guest's guacd with a signed token, bad tokens refused), publishes it, downloads it back from Glance, checks
 * its files and boots it from its own bootloader; then rebuilds with nothing changed and with only the last
 * stage changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static Path work;
    private static Path output;
    private static Map<String, String> openrc;
    private static String publishedId;
    private static final List<String> log = new ArrayList<>();
    private static final List<BuildEvent.CheckFinished> verifyChecks = new ArrayList<>();

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
                        if (e instanceof BuildEvent.CheckFinished c) {
                            verifyChecks.add(c);
                        }
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
        BuildResult result = visaCi().publishTo(GlanceTarget.of(Fixtures.credentials(openrc))).build();
        System.out.println("full chain built and published in " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        assertEquals(List.of("ci-base", "visa-ci"), result.stages().stream().map(BuildResult.StageResult::name).toList());
        assertFalse(result.stages().get(0).reused());
        assertTrue(result.publishedImageId().isPresent());
        publishedId = result.publishedImageId().get();
        assertTrue(Files.readString(output.resolve("visa-ci.qcow2.sha256")).startsWith(result.sha256()));
        theImageWasVerifiedAsVisaUsesIt();

        // download it back from Glance, as a cloud would get it, and compare with what we built
        Path downloaded = work.resolve("downloaded.qcow2");
        Files.deleteIfExists(downloaded);
        Fixtures.run(600, List.of("openstack", "image", "save", "--file", downloaded.toString(), publishedId), openrc);
        assertEquals(result.sha256(), Fixtures.run(120, List.of("sha256sum", downloaded.toString())).split("\\s+")[0]);

        bootAndCheck(downloaded);
    }

    private static void theImageWasVerifiedAsVisaUsesIt() throws Exception {
        synchronized (log) {
            verifyChecks.forEach(c -> System.out.println("verify " + c.check() + " "
                    + (c.passed() ? "passed" : "FAILED") + " in " + c.took().toSeconds() + " s: " + c.detail()));
            assertEquals(List.of("ready", "expired-token-refused", "tampered-token-refused", "desktop"),
                    verifyChecks.stream().map(BuildEvent.CheckFinished::check).toList());
            assertTrue(verifyChecks.stream().allMatch(BuildEvent.CheckFinished::passed), verifyChecks.toString());
        }
        Path screenshot = output.resolve("visa-ci.qcow2.desktop.png");
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(screenshot.toFile());
        assertEquals(1280, png.getWidth(), "the session's size is VISA's screenWidth");
        assertEquals(800, png.getHeight());
        System.out.println("desktop screenshot: " + screenshot);
    }

    /**
     * Checks what the provisioners left in the image (read offline: the downloaded qcow2 as a raw disk on a
     * loop device, mounted read-only), then boots it from its own bootloader (no kernel given) until its sshd
     * answers.
     */
    private static void bootAndCheck(Path image) throws Exception {
        String checks = Fixtures.run(600, List.of("bash", "-c", INSPECT, "inspect", image.toString(),
                work.resolve("inspect").toString()));
        System.out.println(checks);
        assertTrue(checks.contains("guacd=present"), checks);
        assertTrue(checks.contains("guacd-listen=0.0.0.0"), checks);
        assertTrue(checks.contains("xfce=install ok installed"), checks);
        assertTrue(checks.contains("xorgxrdp=install ok installed"), checks);
        assertTrue(checks.contains("guacd-enabled=yes"), checks);
        assertTrue(checks.contains("guacd-conf=1"), checks);
        assertTrue(checks.contains("xrdp=install ok installed"), checks);
        assertTrue(checks.matches("(?s).*sesman-pam=[1-9].*"), checks);
        assertTrue(checks.matches("(?s).*pam-module=\\S+/pam_visa\\.so.*"), checks);
        assertTrue(checks.contains("owner-script=yes"), checks);
        assertTrue(checks.contains("sleep=/dev/null /dev/null /dev/null /dev/null"), checks);
        assertTrue(checks.contains("motd=1"), checks);
        assertTrue(checks.contains("polkit=1"), checks);
        assertTrue(checks.contains("build-key=absent"), "the published image must not let the build key in: "
                + checks);
        assertTrue(checks.contains("machine-id=0"), checks);

        StepContext ctx = Fixtures.context(work, e -> { });
        LibvirtDriver driver = new LibvirtDriver();
        Path disk = work.resolve("boot-check.qcow2");
        Files.deleteIfExists(disk);
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(image), 4096, disk), ctx);
        Machine machine = new Machine(2, 1024, 4096, Accelerator.AUTO, true, List.of());
        MachineSpec spec = new MachineSpec("imagebuilder-e2e-" + ProcessHandle.current().pid(), machine, disk,
                Optional.empty(), Optional.empty(), work.resolve("boot-check-serial.log"), 22);
        try (MachineInstance vm = driver.start(spec, ctx)) {
            long start = System.nanoTime();
            String banner = waitForSshBanner(vm);
            System.out.println("published image booted by its own GRUB; sshd answered '" + banner + "' "
                    + (System.nanoTime() - start) / 1_000_000_000 + " s after start");
            assertTrue(banner.startsWith("SSH-2.0-OpenSSH"), banner);
        }
        Files.deleteIfExists(disk);
    }

    /** Reads the image's files offline; prints one name=value line per check. */
    private static final String INSPECT = String.join("\n",
            "set -eu; img=$1; dir=$2; rm -rf \"$dir\"; mkdir -p \"$dir/mnt\"",
            "qemu-img convert -O raw \"$img\" \"$dir/disk.raw\"",
            "loop=$(losetup -f --show -P \"$dir/disk.raw\"); partx -u \"$loop\" 2>/dev/null || true",
            "trap 'umount \"$dir/mnt\" 2>/dev/null; losetup -d \"$loop\"; rm -rf \"$dir\"' EXIT",
            "for _ in $(seq 50); do [ -b \"${loop}p1\" ] && break; sleep 0.1; done",
            "mount -o ro \"${loop}p1\" \"$dir/mnt\"; r=$dir/mnt",
            "[ -x $r/usr/sbin/guacd ] && echo guacd=present",
            "echo guacd-listen=$(sed -n 's/^LISTEN_ADDRESS=//p' $r/etc/default/guacd)",
            "echo xfce=$(awk '/^Package: xfce4$/{p=1} p&&/^Status:/{print substr($0,9); exit}' $r/var/lib/dpkg/status)",
            "echo xorgxrdp=$(awk '/^Package: xorgxrdp$/{p=1} p&&/^Status:/{print substr($0,9); exit}'"
                    + " $r/var/lib/dpkg/status)",
            "if ls $r/etc/rc2.d/S*guacd >/dev/null 2>&1 || ls $r/etc/systemd/system/*.wants/guacd.service"
                    + " >/dev/null 2>&1; then echo guacd-enabled=yes; else echo guacd-enabled=no; fi",
            "echo guacd-conf=$(grep -c bind_port $r/etc/guacamole/guacd.conf)",
            "echo xrdp=$(awk '/^Package: xrdp$/{p=1} p&&/^Status:/{print substr($0,9); exit}' $r/var/lib/dpkg/status)",
            "echo sesman-pam=$(grep -c pam_visa.so $r/etc/pam.d/xrdp-sesman)",
            "echo pam-module=$(cd $r && find lib usr/lib usr/local/lib -name pam_visa.so 2>/dev/null | head -n1"
                    + " | sed 's|^|/|')",
            "[ -x $r/var/lib/cloud/scripts/per-instance/visa-owner.sh ] && echo owner-script=yes",
            "echo sleep=$(for t in sleep suspend hibernate hybrid-sleep; do readlink $r/etc/systemd/system/$t.target;"
                    + " done | tr '\\n' ' ')",
            "echo motd=$(grep -c 'Welcome to VISA' $r/etc/motd)",
            "echo polkit=$(grep -c 'polkit.Result.NO' $r/etc/polkit-1/rules.d/50-visa-power.rules)",
            "if grep -q imagebuilder $r/root/.ssh/authorized_keys 2>/dev/null; then echo build-key=present;"
                    + " else echo build-key=absent; fi",
            "echo machine-id=$(stat -c %s $r/etc/machine-id)");

    private static String waitForSshBanner(MachineInstance vm) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(vm.sshHost(), vm.sshPort()), 2000);
                s.setSoTimeout(5000);
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                if (line != null && line.startsWith("SSH-")) {
                    return line.trim();
                }
            } catch (java.io.IOException notYet) {
                // QEMU accepts on the forwarded port before the guest's sshd is up
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the published image never answered on SSH; serial log:\n"
                + String.join("\n", vm.serialTail(40)));
    }

    /** Runs the build-image CLI in its own JVM, as a user would; returns its exit status and output. */
    private static CliRun cli(Map<String, String> env, String... args) throws Exception {
        return cli(env, List.of(), args);
    }

    private static CliRun cli(Map<String, String> env, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.imagebuilder.cli.BuildImage"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("OS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        System.out.println("build-image " + String.join(" ", args) + " -> " + status + "\n" + out);
        return new CliRun(status, out);
    }

    private record CliRun(int status, String output) {}

    /** What a build left in the output folder, without the CLI's build logs. */
    private static List<Path> imagesIn(Path dir) throws Exception {
        return listing(dir).stream().filter(p -> !p.getFileName().toString().equals("logs")).toList();
    }

    private static List<Path> listing(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    @Order(2)
    void anUnchangedChainIsReusedWithoutStartingAnything() throws Exception {
        long start = System.nanoTime();
        CliRun run = cli(Map.of("OS_CLIENT_CONFIG_FILE", Fixtures.openStackState().resolve("clouds.yaml")
                .toString()), "--templates", Fixtures.TEMPLATES.toString(), "--only", "visa-ci",
                "--output", output.toString(), "--publish", "--os-cloud", "imagebuilder-test");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        System.out.println("unchanged rebuild (CLI, own JVM) took " + seconds + " s");
        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("publish: the final image goes to OpenStack "), "said before the build"
                + " where it publishes: " + run.output());
        assertTrue(run.output().contains("reused  ci-base") && run.output().contains("reused  visa-ci"),
                run.output());
        assertTrue(run.output().contains("not uploaded again") && run.output().contains("published image "
                + publishedId), "the image in Glance is the one published before: " + run.output());
        String log = run.output().lines().filter(l -> l.startsWith("log: ")).findFirst().orElseThrow();
        assertTrue(Files.size(Path.of(log.substring(5))) > 0, "the build's log file");
        assertTrue(seconds < 60, "a cache hit takes seconds, not a build: " + seconds + " s");
    }

    @Test
    @Order(4)
    void theCliPublishesAFileLikeOpenstackImageCreate() throws Exception {
        Path state = Fixtures.openStackState();
        String name = "visa-ci-cli-" + ProcessHandle.current().pid();
        Path tmp = Files.createTempDirectory("cli-publish-tmp");
        List<Path> besideBefore = listing(output);
        CliRun run = cli(Map.of("OS_CLIENT_CONFIG_FILE", state.resolve("clouds.yaml").toString()),
                List.of("-Djava.io.tmpdir=" + tmp), "publish",
                "--file", output.resolve("visa-ci.qcow2").toString(), name, "--os-cloud", "imagebuilder-test",
                "--public", "--min-disk", "4", "--property", "visa=cli");
        assertEquals(0, run.status(), run.output());
        assertEquals(List.of(), listing(tmp), "no temp copy, no temp log");
        assertEquals(besideBefore, listing(output), "nothing written beside the image");
        Files.delete(tmp);
        String id = run.output().replaceAll("(?s).*published " + name + " id (\\S+).*", "$1");
        try {
            String shown = Fixtures.run(60, List.of("openstack", "image", "show", id, "-f", "value", "-c",
                    "visibility", "-c", "min_disk", "-c", "status", "-c", "properties"), openrc);
            System.out.println(shown);
            assertTrue(shown.contains("public") && shown.contains("active") && shown.contains("'visa': 'cli'"),
                    shown);
        } finally {
            Fixtures.run(60, List.of("openstack", "image", "delete", id), openrc);
        }
    }

    @Test
    @Order(5)
    void aWrongPasswordStopsAForcedBuildBeforeAnyDiskOrVm() throws Exception {
        Map<String, String> env = new HashMap<>(openrc);
        env.put("OS_PASSWORD", "not-the-password-e2e");
        Files.createDirectories(output); // when run alone
        List<Path> before = imagesIn(output);
        long start = System.nanoTime();
        CliRun run = cli(env, "--templates", Fixtures.TEMPLATES.toString(), "--only", "visa-ci",
                "--output", output.toString(), "--force", "--publish");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertNotEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("refused before the build") && run.output().contains("401"), run.output());
        assertFalse(run.output().contains("not-the-password-e2e"), "the password never shows: " + run.output());
        assertFalse(run.output().contains("ci-base > ") || run.output().contains("visa-ci > "),
                "no step started (the console prints each as 'stage > step'): " + run.output());
        assertEquals(before, imagesIn(output), "the images of the last build are untouched");
        assertTrue(seconds < 60, "found in seconds, not after a build: " + seconds + " s");
    }

    @Test
    @Order(3)
    void changingOnlyTheLastStageRebuildsOnlyIt() {
        long start = System.nanoTime();
        // verified once in the first test; a rebuild that only changes a message need not boot it again
        BuildResult changed = visaCi().verify(false).variable("welcome_message", "Welcome to VISA (changed)")
                .build();
        System.out.println("last-stage rebuild took " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        assertTrue(changed.stages().get(0).reused(), "ci-base reused");
        assertFalse(changed.stages().get(1).reused(), "visa-ci rebuilt");
    }
}
