package io.imagebuilder.provision.internal;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.template.Communicator;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.KexProposalOption;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static io.imagebuilder.internal.provision.ShellQuote.quote;

/**
 * A {@link GuestSession} over MINA SSHD. Uploads go through one exec channel each ({@code cat >} for a file,
 * {@code tar -x} for a tree): a single stream the guest's sshd only has to decrypt, with none of SFTP's
 * per-request round trips, which matter when the guest runs under TCG.
 */
public final class SshGuestSession implements GuestSession {

    private static final int STREAM_BUFFER = 256 * 1024;
    private static final long PROGRESS_EVERY = 8L << 20;

    private final SshConnector connector;
    private final Supplier<List<String>> serialTail;
    private volatile ClientSession session;

    private SshGuestSession(SshConnector connector, Supplier<List<String>> serialTail, ClientSession session) {
        this.connector = connector;
        this.serialTail = serialTail;
        this.session = session;
    }

    /** Waits for sshd and logs in (see {@link io.imagebuilder.spi.GuestAccess#connect}). */
    public static SshGuestSession open(String host, int port, Communicator communicator, TemporaryKey key,
                                       Supplier<List<String>> serialTail, StepContext ctx) throws IOException {
        communicator.password().ifPresent(ctx.masker()::add); // in case the caller did not register it
        SshConnector connector = new SshConnector(host, port, communicator, key);
        try {
            ClientSession s = connector.connect(serialTail, ctx);
            SshGuestSession guest = new SshGuestSession(connector, serialTail, s);
            ctx.info("connected to " + connector.where() + " with " + connector.authMethod() + " (cipher "
                    + guest.cipher() + ")");
            return guest;
        } catch (IOException | RuntimeException e) {
            connector.close();
            throw e;
        }
    }

    /** The cipher negotiated client-to-server, e.g. {@code chacha20-poly1305@openssh.com}. */
    public String cipher() {
        return session.getNegotiatedKexParameter(KexProposalOption.C2SENC);
    }

    @Override
    public boolean isOpen() {
        ClientSession s = session;
        return s != null && s.isOpen() && s.isAuthenticated();
    }

    @Override
    public int run(String command, String source, StepContext ctx) throws IOException {
        RemoteCommand cmd = new RemoteCommand(requireOpen(), command);
        LineSink out = new LineSink(ctx, source, BuildEvent.Stream.STDOUT);
        LineSink err = new LineSink(ctx, source, BuildEvent.Stream.STDERR);
        cmd.channel().setIn(new ByteArrayInputStream(new byte[0])); // commands reading stdin see EOF
        cmd.channel().setOut(out);
        cmd.channel().setErr(err);
        try {
            cmd.open();
            return cmd.await(ctx, source);
        } finally {
            out.close();
            err.close();
            cmd.channel().close(false);
        }
    }

    @Override
    public void upload(Path local, String remotePath, StepContext ctx) throws IOException {
        if (!Files.isRegularFile(local)) {
            throw new NoSuchFileException(local.toString(), null, "local file to upload does not exist");
        }
        long size = Files.size(local);
        String mode = String.format("%04o", FileModes.of(local));
        String dir = parentOf(remotePath);
        String command = (dir.isEmpty() ? "" : "mkdir -p " + quote(dir) + " && ") + "cat > " + quote(remotePath)
                + " && chmod " + mode + " " + quote(remotePath);
        stream(command, "upload of " + local + " to " + remotePath, ctx, out -> {
            try (InputStream in = Files.newInputStream(local)) {
                copy(in, out, size, ctx);
            }
        });
    }

    @Override
    public void uploadDirectory(Path localDir, String remoteDir, StepContext ctx) throws IOException {
        if (!Files.isDirectory(localDir)) {
            throw new NoSuchFileException(localDir.toString(), null, "local directory to upload does not exist");
        }
        String command = "mkdir -p " + quote(remoteDir) + " && tar -x -p --no-same-owner -f - -C " + quote(remoteDir);
        stream(command, "upload of " + localDir + "/ to " + remoteDir, ctx,
                out -> TarStreamer.write(localDir, out, ctx));
    }

    @Override
    public void reconnect(StepContext ctx) throws IOException {
        ClientSession old = session;
        if (old != null) {
            old.close(true);
        }
        session = null;
        session = connector.connect(serialTail, ctx);
        ctx.info("reconnected to " + connector.where());
    }

    @Override
    public void close() {
        ClientSession s = session;
        if (s != null) {
            s.close(true);
        }
        connector.close();
    }

    private ClientSession requireOpen() throws IOException {
        ClientSession s = session;
        if (s == null || !s.isOpen()) {
            throw new IOException("SSH connection to " + connector.where() + " is closed");
        }
        return s;
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Runs {@code command} with {@code writer}'s bytes as its stdin; fails with the command's stderr. */
    private void stream(String command, String what, StepContext ctx, Writer writer) throws IOException {
        RemoteCommand cmd = new RemoteCommand(requireOpen(), command);
        BoundedText errors = new BoundedText(4096);
        cmd.channel().setOut(errors);
        cmd.channel().setErr(errors);
        int status;
        try {
            cmd.open();
            try (OutputStream out = new BufferedOutputStream(cmd.channel().getInvertedIn(), STREAM_BUFFER)) {
                writer.write(out);
            } // closing sends EOF: the remote cat/tar finishes
            status = cmd.await(ctx, what);
        } catch (IOException e) {
            cmd.stop();
            throw new IOException(ctx.masker().mask(what + " on " + connector.where() + " failed: "
                    + e.getMessage() + errors.suffix()), e);
        } catch (RuntimeException e) {
            cmd.stop();
            throw e;
        } finally {
            cmd.channel().close(false);
        }
        if (status != 0) {
            throw new IOException(ctx.masker().mask(what + " on " + connector.where() + " failed with exit code "
                    + status + errors.suffix()));
        }
    }

    private static void copy(InputStream in, OutputStream out, long size, StepContext ctx) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long done = 0;
        long nextReport = PROGRESS_EVERY;
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            done += n;
            if (done >= nextReport) {
                ctx.cancellation().check();
                ctx.progress(done, size);
                nextReport += PROGRESS_EVERY;
            }
        }
    }

    private static String parentOf(String remotePath) {
        int slash = remotePath.lastIndexOf('/');
        return slash <= 0 ? (slash == 0 ? "/" : "") : remotePath.substring(0, slash);
    }
}
