package io.imagebuilder.provision;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real OpenSSH sshd on 127.0.0.1 for tests: own host key, own authorized_keys (for root), a test user with a
 * known password for password logins. Needs root (as CI runs). Started once per test class.
 */
public final class LoopbackSshd implements BeforeAllCallback, AfterAllCallback {

    /** One user per test JVM: test runs in other worktrees may create and remove theirs at the same time. */
    public static final String USER = "ibssh" + ProcessHandle.current().pid();
    public static final String PASSWORD = "Pw-ibsshtest-4711";

    private Path dir;
    private int port;
    private Process process;

    public int port() {
        return port;
    }

    /** Logs in as root with the client key, as most tests do. */
    io.imagebuilder.spi.GuestSession connectAsRoot(TestContext t) throws Exception {
        io.imagebuilder.template.Communicator comm = new io.imagebuilder.template.Communicator("root",
                java.util.Optional.empty(), java.util.Optional.of(clientKey()), port(),
                java.time.Duration.ofSeconds(10), false);
        return new SshGuestAccess().connect("127.0.0.1", port(), comm,
                io.imagebuilder.spi.GuestAccess.TemporaryKey.NONE, java.util.List::of, t.ctx);
    }

    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("ib-sshd-");
        exec("sh", "-c", "command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || (apt-get update -q && "
                + "DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server openssh-client)");
        exec("sh", "-c", "id " + USER + " >/dev/null 2>&1 || useradd -m -s /bin/sh " + USER);
        exec("sh", "-c", "echo '" + USER + ":" + PASSWORD + "' | chpasswd");
        exec("mkdir", "-p", "-m", "0755", "/run/sshd");
        newHostKey();
        exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f", clientKey().toString());
        Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_ed25519"),
                "PidFile " + dir.resolve("sshd.pid"), "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication yes", "KbdInteractiveAuthentication no", "PermitRootLogin yes",
                "UsePAM no", "StrictModes no", "LogLevel INFO", "MaxStartups 100", "MaxAuthTries 30", ""));
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        exec("sh", "-c", "! id " + USER + " >/dev/null 2>&1 || userdel -r " + USER + " 2>/dev/null || true");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Replaces the host key; takes effect at the next {@link #restart()}. */
    public void newHostKey() throws Exception {
        Files.deleteIfExists(dir.resolve("host_ed25519"));
        Files.deleteIfExists(dir.resolve("host_ed25519.pub"));
        exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString());
    }

    public void addAuthorizedKey(String line) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), line + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    /** Kills the per-connection sshd processes: every client's connection drops, the listener stays. */
    public void dropConnections() {
        process.children().forEach(ProcessHandle::destroyForcibly);
    }

    public void start() throws Exception {
        process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                .start();
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("sshd did not listen on " + port);
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            List<ProcessHandle> all = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
            all.forEach(ProcessHandle::destroyForcibly);
            process.waitFor();
            process = null;
        }
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
