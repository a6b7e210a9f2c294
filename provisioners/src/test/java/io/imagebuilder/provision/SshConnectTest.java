package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.provision.internal.SshGuestSession;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logging in to a real OpenSSH sshd on loopback. */
class SshConnectTest {

    @RegisterExtension
    static final LoopbackSshd SSHD = new LoopbackSshd();

    @TempDir
    Path tmp;

    private final GuestAccess access = new SshGuestAccess();

    private Communicator rootWithKey(Path key) {
        return new Communicator("root", Optional.empty(), Optional.of(key), SSHD.port(), Duration.ofSeconds(10),
                false);
    }

    private Communicator withPassword(String user, String password) {
        return new Communicator(user, Optional.of(Secret.of(password)), Optional.empty(), SSHD.port(),
                Duration.ofSeconds(10), false);
    }

    @Test
    void serviceLoaderFindsSshGuestAccess() {
        assertInstanceOf(SshGuestAccess.class, ServiceLoader.load(GuestAccess.class).findFirst().orElseThrow());
    }

    @Test
    void keyLoginRunsCommandsAndPrefersChacha20() throws Exception {
        TestContext t = new TestContext(tmp);
        try (GuestSession s = access.connect("127.0.0.1", SSHD.port(), rootWithKey(SSHD.clientKey()),
                TemporaryKey.NONE, List::of, t.ctx)) {
            assertEquals("chacha20-poly1305@openssh.com", ((SshGuestSession) s).cipher());
            assertEquals(0, s.run("id -un", "t", t.ctx));
            assertEquals(List.of("root"), t.lines(BuildEvent.Stream.STDOUT));
        }
    }

    @Test
    void passwordLoginWorksAndPasswordIsNeverShown() throws Exception {
        TestContext t = new TestContext(tmp);
        t.masker.add(LoopbackSshd.PASSWORD);
        try (GuestSession s = access.connect("127.0.0.1", SSHD.port(),
                withPassword(LoopbackSshd.USER, LoopbackSshd.PASSWORD), TemporaryKey.NONE, List::of, t.ctx)) {
            assertEquals(0, s.run("id -un; echo " + LoopbackSshd.PASSWORD, "t", t.ctx));
        }
        assertEquals(List.of(LoopbackSshd.USER, "********"), t.lines(BuildEvent.Stream.STDOUT));
        assertFalse(t.allText().contains(LoopbackSshd.PASSWORD));
    }

    @Test
    void wrongPasswordFailsClearlyWithoutTheSecret() {
        TestContext t = new TestContext(tmp);
        String wrong = "Wrong-Secret-991";
        IOException e = assertThrows(IOException.class, () -> access.connect("127.0.0.1", SSHD.port(),
                withPassword("root", wrong), TemporaryKey.NONE, List::of, t.ctx));
        assertTrue(e.getMessage().startsWith("authentication failed for root@127.0.0.1:" + SSHD.port()
                + " with password"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong));
        assertFalse(t.allText().contains(wrong));
    }

    @Test
    void wrongKeyFailsClearly() throws Exception {
        Path other = tmp.resolve("other_key");
        LoopbackSshd.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        IOException e = assertThrows(IOException.class, () -> access.connect("127.0.0.1", SSHD.port(),
                rootWithKey(other), TemporaryKey.NONE, List::of, new TestContext(tmp).ctx));
        assertTrue(e.getMessage().contains("authentication failed for root@127.0.0.1:" + SSHD.port()
                + " with private key " + other), e.getMessage());
        assertFalse(e.getMessage().contains(Files.readString(other).lines().skip(1).findFirst().orElseThrow()));
    }

    @Test
    void missingKeyFileIsNamed() {
        Path missing = tmp.resolve("no_such_key");
        IOException e = assertThrows(IOException.class, () -> access.connect("127.0.0.1", SSHD.port(),
                rootWithKey(missing), TemporaryKey.NONE, List::of, new TestContext(tmp).ctx));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void temporaryKeyIsEd25519Mode600AndLogsIn() throws Exception {
        TemporaryKey key = access.createTemporaryKey(tmp.resolve("keys"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.privateKey())));
        assertTrue(Files.readString(key.privateKey()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertTrue(key.publicKeyLine().matches("ssh-ed25519 AAAA[A-Za-z0-9+/=]+ imagebuilder"), key.publicKeyLine());
        SSHD.addAuthorizedKey(key.publicKeyLine());
        Communicator comm = new Communicator("root", Optional.empty(), Optional.empty(), SSHD.port(),
                Duration.ofSeconds(10), true);
        TestContext t = new TestContext(tmp);
        try (GuestSession s = access.connect("127.0.0.1", SSHD.port(), comm, key, List::of, t.ctx)) {
            assertEquals(0, s.run("true", "t", t.ctx));
        }
        // OpenSSH's own tools read the key too
        LoopbackSshd.exec("ssh-keygen", "-y", "-f", key.privateKey().toString());
    }

    @Test
    void timeoutNamesTargetAttemptsAndSerialTail() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Communicator comm = new Communicator("root", Optional.of(Secret.of("pw-xyz-123")), Optional.empty(),
                closedPort, Duration.ofSeconds(2), false);
        IOException e = assertThrows(IOException.class, () -> access.connect("127.0.0.1", closedPort, comm,
                TemporaryKey.NONE, () -> List.of("Begin: Loading essential drivers", "login:"),
                new TestContext(tmp).ctx));
        String m = e.getMessage();
        assertTrue(m.startsWith("timed out after PT2S waiting for SSH on 127.0.0.1:" + closedPort
                + " (user root, password, "), m);
        assertTrue(m.matches("(?s).* ([5-9]|\\d\\d) attempts, last: .*"), m); // polls every 250 ms
        assertTrue(m.contains("\n    Begin: Loading essential drivers\n    login:"), m);
        assertFalse(m.contains("pw-xyz-123"));
    }

    @Test
    void anSshdBehindAForwardThatHungEarlierAttemptsIsNoticedWithinASecond() throws Exception {
        TestContext t = new TestContext(tmp);
        try (StallingForward forward = new StallingForward(SSHD.port())) {
            Communicator comm = new Communicator("root", Optional.empty(), Optional.of(SSHD.clientKey()),
                    forward.port(), Duration.ofSeconds(30), false);
            Thread up = new Thread(() -> {
                try {
                    Thread.sleep(2_000); // attempts made meanwhile hang, as under QEMU while the guest boots
                } catch (InterruptedException e) {
                    return;
                }
                forward.guestUp();
            });
            up.start();
            try (GuestSession s = access.connect("127.0.0.1", forward.port(), comm, TemporaryKey.NONE, List::of,
                    t.ctx)) {
                long noticed = System.nanoTime();
                up.join();
                assertEquals(0, s.run("true", "t", t.ctx));
                assertTrue(forward.heldConnections() >= 2, "attempts were made while the guest was down");
                double after = (noticed - forward.upNanos()) / 1e9;
                System.out.printf("TIMING sshd answering -> logged in: %.2f s%n", after);
                assertTrue(after < 1.0, "logged in " + after + " s after sshd could answer");
            }
        }
    }

    @Test
    void hostKeyIsPinnedAcrossReconnects() throws Exception {
        TestContext t = new TestContext(tmp);
        try (GuestSession s = access.connect("127.0.0.1", SSHD.port(), rootWithKey(SSHD.clientKey()),
                TemporaryKey.NONE, List::of, t.ctx)) {
            SSHD.restart();
            s.reconnect(t.ctx); // same key: fine
            assertEquals(0, s.run("true", "t", t.ctx));
            SSHD.newHostKey();
            SSHD.restart();
            IOException e = assertThrows(IOException.class, () -> s.reconnect(t.ctx));
            assertTrue(e.getMessage().startsWith("host key of 127.0.0.1:" + SSHD.port() + " changed: pinned SHA256:"),
                    e.getMessage());
        }
    }
}
