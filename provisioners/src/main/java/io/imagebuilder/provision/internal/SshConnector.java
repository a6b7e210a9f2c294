package io.imagebuilder.provision.internal;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.template.Communicator;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Opens authenticated SSH sessions to one guest with MINA SSHD: polls quickly until sshd answers or the
 * communicator's timeout passes, and keeps the host key pinned across reconnects.
 */
final class SshConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);
    /** Between attempts: short, so a freshly started sshd is noticed within a second. */
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration TCP_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * An attempt connected this long without sshd's banner may be hung on QEMU's forward (see connect): a
     * second one is started beside it (at most {@link #MAX_IN_FLIGHT}). It is not abandoned: a slow but real
     * sshd answers it in the end.
     */
    static final Duration STALE = Duration.ofMillis(750);

    /** How often a wait for SSH says where the boot is. */
    static final Duration REPORT_EVERY = Duration.ofSeconds(30);
    /** Attempts under way at once. */
    static final int MAX_IN_FLIGHT = 4;
    /** Key exchange + login of one attempt; TCG guests need a few seconds for it. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** Packer's ssh_handshake_attempts: logins refused this often in a row end the wait. */
    static final int AUTH_ATTEMPTS = 10;

    /**
     * chacha20-poly1305 first: under TCG the guest's sshd crypto is the bottleneck and OpenSSH does it about
     * twice as fast as AES-GCM (FIXTURES.md). MINA 2.16's default list starts with it too; spelled out here so a
     * library upgrade cannot silently change it, and without the CBC modes.
     */
    private static final List<BuiltinCiphers> CIPHERS = List.of(BuiltinCiphers.cc20p1305_openssh,
            BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr,
            BuiltinCiphers.aes256ctr);

    private final String host;
    private final int port;
    private final Communicator communicator;
    private final List<KeyPair> keys;
    private final String authMethod;
    private final SshClient client;
    private final PinnedHostKey pin = new PinnedHostKey();
    /** Attempts past sshd's banner, in key exchange or login. */
    private final AtomicInteger handshaking = new AtomicInteger();

    SshConnector(String host, int port, Communicator communicator, TemporaryKey temporaryKey) throws IOException {
        this.host = host;
        this.port = port;
        this.communicator = communicator;
        List<String> methods = new ArrayList<>();
        List<KeyPair> pairs = new ArrayList<>();
        if (temporaryKey != null && temporaryKey.privateKey() != null) {
            pairs.addAll(loadKeys(temporaryKey.privateKey()));
            methods.add("temporary key");
        }
        if (communicator.privateKey().isPresent()) {
            pairs.addAll(loadKeys(communicator.privateKey().get()));
            methods.add("private key " + communicator.privateKey().get());
        }
        communicator.password().ifPresent(p -> methods.add("password"));
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("communicator for " + where() + " has no password, private key or"
                    + " temporary key: nothing to log in with");
        }
        this.keys = List.copyOf(pairs);
        this.authMethod = String.join(" or ", methods);
        this.client = newClient();
    }

    private SshClient newClient() {
        SshClient c = SshClient.setUpDefaultClient();
        c.setServerKeyVerifier(pin);
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // never read ~/.ssh/config
        c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // never read ~/.ssh/id_*
        c.setCipherFactories(new ArrayList<>(NamedFactory.setUpBuiltinFactories(false, CIPHERS)));
        c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE,
                UserAuthKeyboardInteractiveFactory.INSTANCE));
        // notice a guest that vanished (reboot under user networking keeps the host side of TCP open)
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, Duration.ofSeconds(5));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, 6);
        // a long silent command (apt, compiling) must not count as an idle session
        CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ofDays(1));
        c.start();
        return c;
    }

    private static List<KeyPair> loadKeys(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "SSH private key file not found");
        }
        List<KeyPair> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    in, null);
            if (pairs != null) {
                pairs.forEach(out::add);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read SSH private key " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException("no private key found in " + file + " (OpenSSH or PEM format expected)");
        }
        return out;
    }

    String where() {
        return communicator.username() + "@" + host + ":" + port;
    }

    String authMethod() {
        return authMethod;
    }

    /**
     * Polls until a session is authenticated; fails fast on refused logins and on a changed host key.
     * Under QEMU user networking the host side of the port forward accepts at once, even while the guest
     * cannot answer yet; such an attempt hangs until QEMU's own SYN to the guest is answered or given up, which
     * can be many seconds after sshd came up. So while every attempt under way has hung for {@link #STALE}
     * without a banner, another one starts beside them; attempts refused at once (the guest is up, sshd not
     * yet) are retried every {@link #POLL}. Once sshd has answered one, no more start: the build notices sshd
     * within a poll interval plus one login, and a booting TCG guest is not flooded with connections.
     */
    ClientSession connect(Supplier<List<String>> serialTail, StepContext ctx) throws IOException {
        long deadline = System.nanoTime() + communicator.timeout().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(MAX_IN_FLIGHT, r -> {
            Thread t = new Thread(r, "ssh-connect " + where());
            t.setDaemon(true);
            return t;
        });
        CompletionService<Attempt> finished = new ExecutorCompletionService<>(pool);
        List<Future<Attempt>> inFlight = new ArrayList<>();
        ClientSession winner = null;
        int attempts = 0;
        int authFailures = 0;
        String lastError = "no answer";
        long started = System.nanoTime();
        long nextStart = started;
        long nextReport = started + REPORT_EVERY.toNanos();
        long youngest = 0;
        try {
            while (true) {
                ctx.cancellation().check();
                long now = System.nanoTime();
                if (now >= nextReport) {
                    nextReport = now + REPORT_EVERY.toNanos();
                    ctx.info(ctx.masker().mask(stillWaiting(now - started, serialTail)));
                }
                boolean allStale = inFlight.isEmpty() || now - youngest >= STALE.toNanos();
                if (inFlight.size() < MAX_IN_FLIGHT && allStale && handshaking.get() == 0 && now >= nextStart
                        && now < deadline) {
                    inFlight.add(finished.submit(() -> attempt(deadline)));
                    attempts++;
                    youngest = now;
                    nextStart = now + POLL.toNanos();
                }
                Future<Attempt> done = finished.poll(Math.max(1, nextStart - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                if (done != null) {
                    inFlight.remove(done);
                    Attempt result = done.get();
                    if (result.session != null) {
                        pin.confirm();
                        winner = result.session;
                        LOG.debug("SSH {} up after {} attempt(s), cipher {}", where(), attempts,
                                winner.getNegotiatedKexParameter(KexProposalOption.C2SENC));
                        return winner;
                    }
                    pin.forgetUnconfirmed();
                    String mismatch = pin.mismatch(host + ":" + port);
                    if (mismatch != null) {
                        throw new IOException(mismatch);
                    }
                    lastError = result.error;
                    authFailures = result.authFailed ? authFailures + 1 : 0;
                    if (authFailures >= AUTH_ATTEMPTS) {
                        throw new IOException("authentication failed for " + where() + " with " + authMethod
                                + " (" + authFailures + " attempts refused)");
                    }
                }
                if (System.nanoTime() >= deadline && inFlight.isEmpty()) {
                    // the serial console may echo a preseed or cloud-init secret
                    throw new IOException(ctx.masker().mask(timeoutMessage(attempts, lastError, serialTail)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while waiting for SSH");
        } catch (ExecutionException e) {
            throw new IOException("SSH attempt failed: " + describe(e.getCause()), e.getCause());
        } finally {
            pool.shutdown();
            closeLosers(inFlight, winner);
        }
    }

    /** Sessions the attempts still under way open after the wait ended are closed as they arrive. */
    private static void closeLosers(List<Future<Attempt>> inFlight, ClientSession winner) {
        if (inFlight.isEmpty()) {
            return;
        }
        Thread closer = new Thread(() -> {
            for (Future<Attempt> f : inFlight) {
                try {
                    Attempt a = f.get();
                    if (a.session != null && a.session != winner) {
                        a.session.close(true);
                    }
                } catch (InterruptedException | ExecutionException ignored) {
                    return;
                }
            }
        }, "ssh-connect-closer");
        closer.setDaemon(true);
        closer.start();
    }

    private record Attempt(ClientSession session, String error, boolean authFailed) {}

    private Attempt attempt(long deadline) {
        ClientSession session = null;
        try {
            ConnectFuture cf = client.connect(communicator.username(), host, port);
            if (!cf.await(TCP_CONNECT_TIMEOUT)) {
                cf.cancel();
                return new Attempt(null, "no TCP answer within " + TCP_CONNECT_TIMEOUT.toMillis() + " ms", false);
            }
            session = cf.getSession();
            if (session == null) {
                return new Attempt(null, describe(cf.getException()), false);
            }
            long handshakeEnd = System.nanoTime() + Math.min(HANDSHAKE_TIMEOUT.toNanos(), deadline - System.nanoTime());
            if (!awaitBanner(session, handshakeEnd)) {
                String why = session.isClosed() ? "connection closed before sshd answered"
                        : "no SSH banner within " + HANDSHAKE_TIMEOUT.toSeconds() + " s";
                session.close(true);
                return new Attempt(null, why, false);
            }
            // One login at a time: sshd answered, and a booting TCG guest doing several key exchanges at once
            // would finish each of them later.
            if (handshaking.incrementAndGet() > 1) {
                handshaking.decrementAndGet();
                session.close(true);
                return new Attempt(null, "another attempt is logging in", false);
            }
            try {
                return login(session, deadline);
            } finally {
                handshaking.decrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            return new Attempt(null, describe(e), false);
        }
    }

    /** Key exchange and authentication on a session whose sshd has answered. */
    private Attempt login(ClientSession session, long deadline) throws IOException {
        for (KeyPair kp : keys) {
            session.addPublicKeyIdentity(kp);
        }
        if (communicator.password().isPresent()) {
            session.addPasswordIdentity(communicator.password().get().reveal());
        }
        long left = Math.max(1, Math.min(HANDSHAKE_TIMEOUT.toNanos(), deadline - System.nanoTime()));
        AuthFuture auth = session.auth();
        if (!auth.await(Duration.ofNanos(left)) || !auth.isSuccess()) {
            String error = auth.isDone() ? describe(auth.getException()) : "SSH handshake timed out";
            boolean refused = auth.isDone() && session.getServerKey() != null
                    && error.contains("authentication methods");
            session.close(true);
            return new Attempt(null, refused ? "login refused" : error, refused);
        }
        return new Attempt(session, null, false);
    }

    /** Waits for the server's identification line: the sign that a real sshd, not only the forward, answered. */
    private static boolean awaitBanner(ClientSession session, long until) {
        while (session.getServerVersion() == null) {
            if (session.isClosed() || System.nanoTime() >= until) {
                return session.getServerVersion() != null;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "connection closed";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /** A long boot (a TCG guest, an installer) says what the console shows meanwhile. */
    String stillWaiting(long nanos, Supplier<List<String>> serialTail) {
        List<String> tail = serialTail == null ? List.of() : serialTail.get();
        String last = tail.stream().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElse("");
        return "still waiting for SSH on " + where() + " after " + TimeUnit.NANOSECONDS.toSeconds(nanos) + " s"
                + (last.isEmpty() ? "; the serial console printed nothing yet"
                : "; the serial console last said: " + (last.length() > 160 ? last.substring(0, 160) + "..." : last));
    }

    private String timeoutMessage(int attempts, String lastError, Supplier<List<String>> serialTail) {
        StringBuilder b = new StringBuilder("timed out after ").append(communicator.timeout())
                .append(" waiting for SSH on ").append(host).append(':').append(port)
                .append(" (user ").append(communicator.username()).append(", ").append(authMethod).append(", ")
                .append(attempts).append(" attempts, last: ").append(lastError).append(')');
        List<String> tail = serialTail == null ? List.of() : serialTail.get();
        if (tail == null || tail.isEmpty()) {
            b.append("; the serial console printed nothing");
        } else {
            b.append("; last serial console lines:");
            tail.forEach(line -> b.append("\n    ").append(line));
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.debug("stopping SSH client for {}", where(), e);
        }
    }
}
