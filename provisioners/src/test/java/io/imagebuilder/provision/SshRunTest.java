package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.template.Communicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GuestSession.run against a real sshd: streaming, exit codes, dropped connections, cancellation. */
class SshRunTest {

    @RegisterExtension
    static final LoopbackSshd SSHD = new LoopbackSshd();

    @TempDir
    Path tmp;

    private TestContext t;
    private GuestSession session;

    @BeforeEach
    void connect() throws Exception {
        t = new TestContext(tmp);
        Communicator comm = new Communicator("root", Optional.empty(), Optional.of(SSHD.clientKey()), SSHD.port(),
                Duration.ofSeconds(10), false);
        session = new SshGuestAccess().connect("127.0.0.1", SSHD.port(), comm, TemporaryKey.NONE, List::of, t.ctx);
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void streamsStdoutAndStderrLineByLineAndReturnsExitCode() throws Exception {
        int code = session.run("printf 'a\\nb\\r\\n'; echo err >&2; printf 'no newline'; exit 7", "src", t.ctx);
        assertEquals(7, code);
        assertEquals(List.of("a", "b", "no newline"), t.lines(BuildEvent.Stream.STDOUT));
        assertEquals(List.of("err"), t.lines(BuildEvent.Stream.STDERR));
        assertTrue(t.events.stream().allMatch(e -> !(e instanceof BuildEvent.GuestOutput g) || g.source().equals("src")));
    }

    @Test
    void commandReadingStdinSeesEof() throws Exception {
        assertEquals(0, session.run("cat; echo done", "src", t.ctx));
        assertEquals(List.of("done"), t.lines(BuildEvent.Stream.STDOUT));
    }

    @Test
    void droppedConnectionReturnsMinusOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        t.onEvent = e -> started.countDown();
        Thread killer = new Thread(() -> {
            try {
                if (started.await(10, TimeUnit.SECONDS)) {
                    SSHD.dropConnections();
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        assertEquals(-1, session.run("echo started; sleep 20", "src", t.ctx));
        killer.join();
    }

    @Test
    void cancellationStopsTheRemoteCommand() throws Exception {
        String marker = "sleep 4711.5";
        CountDownLatch started = new CountDownLatch(1);
        t.onEvent = e -> started.countDown();
        Thread canceller = new Thread(() -> {
            try {
                if (started.await(10, TimeUnit.SECONDS)) {
                    t.cancellation.cancel();
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        canceller.start();
        long start = System.nanoTime();
        assertThrows(CancellationException.class, () -> session.run("echo go; " + marker + "; echo late", "src",
                t.ctx));
        canceller.join();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        // sshd runs on this machine: the remote sleep must be gone
        Thread.sleep(300);
        assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "remote command still running after cancel");
        assertFalse(t.lines(BuildEvent.Stream.STDOUT).contains("late"));
    }
}
