package io.imagebuilder.provision;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A port forward that behaves like QEMU's user-network hostfwd while the guest boots: it accepts every
 * connection at once but says nothing, until {@link #guestUp()}; from then on new connections reach the real
 * sshd. Only a fake can hold the guest at that moment of its boot on demand.
 */
final class StallingForward implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile boolean up;
    private volatile long upNanos;

    StallingForward(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "stalling-forward");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted while the guest was "down", each left hanging. */
    int heldConnections() {
        return held.size();
    }

    void guestUp() {
        upNanos = System.nanoTime();
        up = true;
    }

    /** When {@link #guestUp()} was called, in {@link System#nanoTime()}. */
    long upNanos() {
        return upNanos;
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                if (!up) {
                    held.add(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                pipe(client, server);
                pipe(server, client);
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // either side closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "stalling-forward-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
