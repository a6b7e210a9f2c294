package io.imagebuilder.qemu.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free host ports for the guest's SSH forward, from Packer's range 2222-4444. A port is reserved in this JVM
 * until {@link #release}; another process may still take it before QEMU binds, so callers retry on a clash.
 * The search starts at a random port so parallel builds in several JVMs rarely pick the same one.
 */
public final class SshPortPool {

    public static final int MIN = 2222;
    public static final int MAX = 4444;

    private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();

    private SshPortPool() {
    }

    public static int reserve() {
        int span = MAX - MIN + 1;
        int first = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = MIN + (first + i) % span;
            if (isFree(port) && RESERVED.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port on 127.0.0.1 in " + MIN + "-" + MAX + " for the SSH forward");
    }

    public static void release(int port) {
        RESERVED.remove(port);
    }

    static boolean isReserved(int port) {
        return RESERVED.contains(port);
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
