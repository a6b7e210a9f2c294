package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec.Common;
import io.imagebuilder.template.ProvisionerSpec.Shell;
import io.imagebuilder.template.ProvisionerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shell provisioner with Packer's semantics, run by core's Provisioners in an SSH session to a real sshd. */
class ShellProvisionerTest {

    @RegisterExtension
    static final LoopbackSshd SSHD = new LoopbackSshd();

    @TempDir
    Path tmp;

    private final GuestAccess access = new SshGuestAccess();
    private TestContext t;
    private GuestSession session;

    @BeforeEach
    void connect() throws Exception {
        t = new TestContext(tmp.resolve("work"));
        session = SSHD.connectAsRoot(t);
    }

    @AfterEach
    void close() {
        session.close();
    }

    private static Shell shell(List<String> inline, List<Path> scripts, Map<String, String> env, String exec,
                               boolean expectDisconnect, Common common) {
        return new Shell(Location.of(Path.of("template.yaml"), 12), "shell[1]", inline, scripts, env, exec,
                expectDisconnect, common);
    }

    private Path script(String name, String text) throws Exception {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void inlineRunsUnderShDashEWithQuotedEnvironment() throws Exception {
        Shell spec = shell(List.of("echo \"$GREETING|$OTHER\"", "false", "echo not reached"), List.of(),
                Map.of("GREETING", "it's a \"test\" $HOME", "OTHER", "x y"), Shell.PACKER_EXECUTE_COMMAND, false,
                Common.defaults());
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class,
                () -> Provisioners.run(spec, session, t.ctx));
        assertEquals(List.of("it's a \"test\" $HOME|x y"), t.lines(BuildEvent.Stream.STDOUT));
        assertTrue(e.getMessage().startsWith("provisioner shell[1] (template.yaml:12): inline commands exited with"
                + " code 1"), e.getMessage());
    }

    @Test
    void scriptExitCodeFailsWithNameCodeAndOutputTail() throws Exception {
        StringBuilder text = new StringBuilder("#!/bin/sh\n");
        for (int i = 1; i <= 30; i++) {
            text.append("echo line").append(i).append('\n');
        }
        text.append("echo bad >&2\nexit 3\n");
        Path s = script("setup.sh", text.toString());
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners.run(
                shell(List.of(), List.of(s), Map.of(), null, false, Common.defaults()), session, t.ctx));
        String m = e.getMessage();
        assertEquals(3, e.exitCode());
        assertTrue(m.contains("shell[1]") && m.contains("script " + s + " exited with code 3"), m);
        assertTrue(m.contains("last 20 lines of output:") && m.contains("\n    line30\n    bad"), m);
        assertFalse(m.contains("line11\n"), m);
    }

    @Test
    void executeCommandGetsVarsAndPath() throws Exception {
        Path s = script("a.sh", "#!/bin/sh\necho \"script $0 sees $FOO\"\n");
        Provisioners.run(shell(List.of(), List.of(s), Map.of("FOO", "bar"),
                "echo 'vars: {{ .Vars }}'; {{.Vars}} sh {{ .Path }}", false, Common.defaults()), session, t.ctx);
        List<String> out = t.lines(BuildEvent.Stream.STDOUT);
        assertEquals("vars: FOO=bar", out.get(0));
        assertTrue(out.get(1).matches("script /tmp/script_\\d{4}\\.sh sees bar"), out.get(1));
        String remote = out.get(1).split(" ")[1];
        assertFalse(Files.exists(Path.of(remote)), "uploaded script is removed afterwards");
    }

    @Test
    void scriptsRunInOrderAndMissingScriptIsNamed() throws Exception {
        Path missing = tmp.resolve("missing.sh");
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners.run(
                shell(List.of("echo first"), List.of(missing), Map.of(), null, false, Common.defaults()),
                session, t.ctx));
        assertTrue(e.getMessage().contains("script " + missing + " does not exist"), e.getMessage());
        assertEquals(List.of("first"), t.lines(BuildEvent.Stream.STDOUT));
    }

    @Test
    void droppedConnectionFailsWithoutExpectDisconnect() throws Exception {
        t.onEvent = e -> {
            if (e instanceof BuildEvent.GuestOutput g && g.line().equals("rebooting")) {
                SSHD.dropConnections();
            }
        };
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners.run(
                shell(List.of("echo rebooting", "sleep 20"), List.of(), Map.of(), null, false, Common.defaults()),
                session, t.ctx));
        assertTrue(e.getMessage().contains("SSH connection dropped while inline commands ran"), e.getMessage());
    }

    @Test
    void expectDisconnectReconnectsAndCarriesOn() throws Exception {
        Path marker = tmp.resolve("after-reboot");
        Path reboot = script("reboot.sh", "#!/bin/sh\necho rebooting\nsleep 20\necho not reached\n");
        Path after = script("after.sh", "#!/bin/sh\ntouch " + marker + "\n");
        t.onEvent = e -> {
            if (e instanceof BuildEvent.GuestOutput g && g.line().equals("rebooting")) {
                SSHD.dropConnections();
            }
        };
        Provisioners.run(shell(List.of(), List.of(reboot, after), Map.of(), null, true, Common.defaults()),
                session, t.ctx);
        assertTrue(Files.exists(marker));
        assertFalse(t.lines(BuildEvent.Stream.STDOUT).contains("not reached"));
    }

    @Test
    void aScriptKilledAsTheGuestGoesDownCountsAsTheExpectedDisconnect() throws Exception {
        Path marker = tmp.resolve("after-term");
        Path killed = script("poweroff.sh", "#!/bin/sh\necho going down\nkill -TERM $$\necho not reached\n");
        Path after = script("after.sh", "#!/bin/sh\ntouch " + marker + "\n");
        Provisioners.run(shell(List.of(), List.of(killed, after), Map.of(), null, true, Common.defaults()),
                session, t.ctx);
        assertTrue(Files.exists(marker), "carried on after the script died of SIGTERM");
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners.run(
                shell(List.of(), List.of(killed), Map.of(), null, false, Common.defaults()), session, t.ctx));
        assertTrue(e.getMessage().contains("exited with code 143"), e.getMessage());
    }

    @Test
    void scriptsAreMadeExecutableWhateverTheirLocalMode() throws Exception {
        Path script = script("plain.sh", "#!/bin/sh\necho ran as $(id -un)\n"); // 0644 here
        Provisioners.run(shell(List.of("echo inline ran"), List.of(), Map.of(), "{{ .Vars }} {{ .Path }}", false,
                Common.defaults()), session, t.ctx);
        Provisioners.run(shell(List.of(), List.of(script), Map.of(), "{{ .Path }}", false, Common.defaults()),
                session, t.ctx);
        assertEquals(List.of("inline ran", "ran as root"), t.lines(BuildEvent.Stream.STDOUT));
    }

    @Test
    void maxRetriesRunsAgainAfterAFailure() throws Exception {
        Path counter = tmp.resolve("count");
        Shell spec = shell(List.of("echo x >> " + counter, "test $(wc -l < " + counter + ") -ge 2"), List.of(),
                Map.of(), null, false, new Common(Duration.ZERO, 1, Optional.empty()));
        Provisioners.run(spec, session, t.ctx);
        assertEquals(2, Files.readAllLines(counter).size());
        assertTrue(t.allText().contains("failed (attempt 1 of 2), retrying"));
    }

    @Test
    void timeoutStopsTheScript() throws Exception {
        Shell spec = shell(List.of("echo start", "sleep 4712", "echo end"), List.of(), Map.of(), null, false,
                new Common(Duration.ZERO, 0, Optional.of(Duration.ofSeconds(1))));
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class,
                () -> Provisioners.run(spec, session, t.ctx));
        assertTrue(e.getMessage().contains("timed out after PT1S"), e.getMessage());
        // the tail is what the guest printed: bash may also get to report its killed child ("Terminated")
        String tail = e.getMessage().substring(e.getMessage().indexOf("lines of output:"));
        assertTrue(tail.startsWith("lines of output:\n    start"), "the output tail: " + e.getMessage());
        assertFalse(tail.contains("\n    end"), "stopped before the script's last line: " + e.getMessage());
        Thread.sleep(300);
        assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("")
                .contains("sleep 4712")));
    }

    @Test
    void pauseBeforeHonoursCancellation() {
        Shell spec = shell(List.of("echo never"), List.of(), Map.of(), null, false,
                new Common(Duration.ofMinutes(5), 0, Optional.empty()));
        t.cancellation.cancel();
        assertThrows(CancellationException.class, () -> Provisioners.run(spec, session, t.ctx));
        assertTrue(t.lines(BuildEvent.Stream.STDOUT).isEmpty());
    }

    @Test
    void unknownCustomTypeFailsClearlyAndKnownOneIsDispatched() throws Exception {
        ProvisionerSpec.Custom unknown = new ProvisionerSpec.Custom(Location.of(Path.of("t.yaml"), 3), "nope",
                "no-such-type", Map.of(), Common.defaults());
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class,
                () -> Provisioners.run(unknown, session, t.ctx));
        assertTrue(e.getMessage().startsWith("provisioner nope (t.yaml:3): unknown provisioner type 'no-such-type'"),
                e.getMessage());
        ProvisionerSpec.Custom echo = new ProvisionerSpec.Custom(Location.UNKNOWN, "echoer", EchoKind.TYPE,
                Map.of("text", "hello kind"), Common.defaults());
        Provisioners.run(echo, session, t.ctx);
        assertEquals(List.of("hello kind"), t.lines(BuildEvent.Stream.STDOUT));
    }
}
