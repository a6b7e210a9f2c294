package io.imagebuilder.qemu;

import io.imagebuilder.spi.MachineDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LibvirtDriverTest {

    @Test
    void serviceLoaderFindsTheDriver() {
        List<MachineDriver> drivers = ServiceLoader.load(MachineDriver.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertEquals(1, drivers.size(), drivers.toString());
        LibvirtDriver d = (LibvirtDriver) drivers.get(0);
        assertEquals(LibvirtDriver.defaultUri(System.getenv()), d.uri());
        assertEquals("qemu+ssh://h/system", new LibvirtDriver("qemu+ssh://h/system").uri());
    }

    @Test
    void libvirtsOwnVariableChoosesTheUri() {
        assertEquals("qemu:///system", LibvirtDriver.defaultUri(java.util.Map.of()));
        assertEquals("qemu:///session", LibvirtDriver.defaultUri(java.util.Map.of("LIBVIRT_DEFAULT_URI",
                " qemu:///session ")));
    }
}
