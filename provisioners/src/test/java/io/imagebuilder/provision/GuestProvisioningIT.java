package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.provision.internal.SshGuestSession;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec.Common;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shell and file provisioners and an expect_disconnect reboot in the real TCG test guest (booted with plain
 * virsh by scripts/guest-vm.sh, which builds the cached image through qemu-driver/scripts/test-guest.sh).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestProvisioningIT {

    private static final String NAME = "ib-ssh-it-" + ProcessHandle.current().pid();
    private static Map<String, String> vm;
    private static TestContext t;
    private static GuestSession session;
    private final GuestAccess access = new SshGuestAccess();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void boot() throws Exception {
        Process p = new ProcessBuilder("scripts/guest-vm.sh", "start", NAME)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), "guest-vm.sh start failed: " + out);
        vm = new HashMap<>();
        for (String kv : out.lines().reduce((a, b) -> b).orElseThrow().split(" ")) {
            String[] parts = kv.split("=", 2);
            vm.put(parts[0], parts[1]);
        }
        t = new TestContext(tmp.resolve("work"));
        session = new SshGuestAccess().connect("127.0.0.1", port(), communicator(), TemporaryKey.NONE,
                GuestProvisioningIT::serialTail, t.ctx);
    }

    @AfterAll
    static void destroy() throws Exception {
        if (session != null) {
            session.close();
        }
        new ProcessBuilder("scripts/guest-vm.sh", "stop", NAME).inheritIO().start().waitFor();
    }

    private static int port() {
        return Integer.parseInt(vm.get("PORT"));
    }

    private static Communicator communicator() {
        return new Communicator("root", Optional.empty(), Optional.of(Path.of(vm.get("KEY"))), port(),
                Duration.ofMinutes(4), false);
    }

    private static List<String> serialTail() {
        try {
            List<String> all = Files.readAllLines(Path.of(vm.get("SERIAL")));
            return new ArrayList<>(all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (Exception e) {
            return List.of();
        }
    }

    private String capture(String command) throws Exception {
        int before = t.lines(BuildEvent.Stream.STDOUT).size();
        assertEquals(0, session.run(command, "check", t.ctx));
        List<String> lines = t.lines(BuildEvent.Stream.STDOUT);
        return String.join("\n", lines.subList(before, lines.size()));
    }

    @Test
    @Order(1)
    void guestNegotiatesChacha20AndAcceptsPasswordLogin() throws Exception {
        assertEquals("chacha20-poly1305@openssh.com", ((SshGuestSession) session).cipher());
        Communicator pw = new Communicator("root", Optional.of(Secret.of("imagebuilder-test")), Optional.empty(),
                port(), Duration.ofSeconds(30), false);
        try (GuestSession s = access.connect("127.0.0.1", port(), pw, TemporaryKey.NONE, List::of, t.ctx)) {
            assertEquals(0, s.run("true", "pw", t.ctx));
        }
    }

    @Test
    @Order(2)
    void shellProvisionerRunsInlineAndScriptsAndReportsFailures() throws Exception {
        Provisioners.run(new ProvisionerSpec.Shell(Location.UNKNOWN, "shell[1]",
                List.of("echo \"$MSG\" > /root/msg"), List.of(), Map.of("MSG", "it's here"),
                ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false, Common.defaults()), session, t.ctx);
        assertEquals("it's here", capture("cat /root/msg"));
        Path failing = Files.writeString(tmp.resolve("fail.sh"), "#!/bin/sh\necho about to fail\nexit 3\n");
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners.run(
                new ProvisionerSpec.Shell(Location.UNKNOWN, "shell[2]", List.of(), List.of(failing), Map.of(), null,
                        false, Common.defaults()), session, t.ctx));
        assertTrue(e.getMessage().contains("exited with code 3") && e.getMessage().contains("about to fail"),
                e.getMessage());
    }

    @Test
    @Order(3)
    void fileProvisionerUploadsTreesWithModes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("payload/sub"));
        Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Provisioners.run(new ProvisionerSpec.FileUpload(Location.UNKNOWN, "file[1]", tmp.resolve("payload"),
                "/opt/dest", false, Common.defaults()), session, t.ctx);
        assertEquals("750 ran", capture("printf '%s ' $(stat -c %a /opt/dest/payload/sub/run.sh); "
                + "/opt/dest/payload/sub/run.sh"));
    }

    @Test
    @Order(4)
    void expectDisconnectSurvivesAReboot() throws Exception {
        String bootBefore = capture("cat /proc/sys/kernel/random/boot_id");
        Provisioners.run(new ProvisionerSpec.Shell(Location.UNKNOWN, "reboot", List.of("echo rebooting",
                "reboot", "sleep 120"), List.of(), Map.of(), null, true, Common.defaults()), session, t.ctx);
        Provisioners.run(new ProvisionerSpec.Shell(Location.UNKNOWN, "after", List.of("touch /root/after-reboot"),
                List.of(), Map.of(), null, false, Common.defaults()), session, t.ctx);
        assertNotEquals(bootBefore, capture("cat /proc/sys/kernel/random/boot_id"));
        assertEquals("yes", capture("test -f /root/after-reboot && echo yes"));
    }
}
