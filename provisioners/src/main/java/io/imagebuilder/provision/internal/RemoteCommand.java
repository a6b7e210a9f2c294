package io.imagebuilder.provision.internal;

import io.imagebuilder.pipeline.StepContext;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;

import static io.imagebuilder.internal.provision.ShellQuote.quote;

/**
 * One exec channel. The command is wrapped so it records its process group (sshd starts each command in a new
 * session), because OpenSSH ignores channel "signal" requests from MINA's client: cancelling kills that group
 * over a second channel.
 */
final class RemoteCommand {

    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MS = 200;

    private final ClientSession session;
    private final ChannelExec channel;
    private final String pidFile = "/tmp/.imagebuilder-" + UUID.randomUUID() + ".pid";

    RemoteCommand(ClientSession session, String command) throws IOException {
        this.session = session;
        String wrapped = "trap 'rm -f " + pidFile + "' EXIT; echo $$ > " + pidFile + "; eval " + quote(command);
        this.channel = session.createExecChannel(wrapped);
    }

    ChannelExec channel() {
        return channel;
    }

    void open() throws IOException {
        channel.open().verify(OPEN_TIMEOUT);
    }

    /**
     * Waits for the channel to close; returns the exit status, 128+N for a signal, or -1 when the connection
     * dropped first. Cancellation stops the remote command and throws.
     */
    int await(StepContext ctx, String what) {
        while (!channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), POLL_MS).contains(ClientChannelEvent.CLOSED)) {
            if (ctx.cancellation().isCancelled()) {
                stop();
                throw new CancellationException(what + " stopped: cancelled");
            }
        }
        Integer status = channel.getExitStatus();
        if (status != null) {
            return status;
        }
        String signal = channel.getExitSignal();
        return signal != null ? 128 + Signals.number(signal) : -1;
    }

    /** Kills the remote process group, then drops the channel; best effort. */
    void stop() {
        try {
            if (session.isOpen()) {
                ChannelExec kill = session.createExecChannel(
                        "kill -TERM -- -$(cat " + pidFile + ") 2>/dev/null; rm -f " + pidFile);
                kill.open().verify(OPEN_TIMEOUT);
                kill.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
                kill.close(true);
            }
        } catch (IOException | RuntimeException e) {
            // the connection may be gone already; closing the channel below is all that is left to do
        } finally {
            channel.close(true);
        }
    }

    /** Signal names as sshd reports them (without "SIG"). */
    static final class Signals {
        private Signals() {
        }

        static int number(String name) {
            return switch (name) {
                case "HUP" -> 1;
                case "INT" -> 2;
                case "QUIT" -> 3;
                case "ABRT" -> 6;
                case "KILL" -> 9;
                case "SEGV" -> 11;
                case "PIPE" -> 13;
                case "ALRM" -> 14;
                case "TERM" -> 15;
                default -> 127;
            };
        }
    }
}
