package io.imagebuilder.qemu.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SshPortPoolTest {

    @Test
    void reservedPortsAreFreeInPackerRangeAndNeverHandedOutTwice() {
        Set<Integer> got = new HashSet<>();
        try {
            for (int i = 0; i < 20; i++) {
                int p = SshPortPool.reserve();
                assertTrue(p >= 2222 && p <= 4444, "port " + p);
                assertTrue(got.add(p), "port " + p + " handed out twice");
                assertTrue(SshPortPool.isFree(p), "port " + p + " is in use");
            }
        } finally {
            got.forEach(SshPortPool::release);
        }
        got.forEach(p -> assertFalse(SshPortPool.isReserved(p)));
    }

    @Test
    void portInUseIsNotFree() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertFalse(SshPortPool.isFree(s.getLocalPort()));
        }
    }
}
