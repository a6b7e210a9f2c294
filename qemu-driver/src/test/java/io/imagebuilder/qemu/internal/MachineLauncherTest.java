package io.imagebuilder.qemu.internal;

import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineLauncherTest {

    @TempDir
    Path dir;

    private MachineSpec spec(String name, Path disk, Optional<Path> iso, Optional<MachineSpec.KernelBoot> kernel) {
        return new MachineSpec(name, Machine.defaults(), disk, iso, kernel, dir.resolve("serial.log"), 22);
    }

    @Test
    void specWithExistingFilesPasses() throws IOException {
        Path disk = Files.writeString(dir.resolve("d.qcow2"), "");
        Path k = Files.writeString(dir.resolve("k"), "");
        assertDoesNotThrow(() -> MachineLauncher.checkSpec(spec("ib-1", disk, Optional.of(disk),
                Optional.of(new MachineSpec.KernelBoot(k, k, "")))));
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path disk = Files.writeString(dir.resolve("d.qcow2"), "");
        Path none = dir.resolve("missing");
        assertMessage(spec("ib-1", none, Optional.empty(), Optional.empty()), "disk image " + none);
        assertMessage(spec("ib-1", disk, Optional.of(none), Optional.empty()), "ISO " + none);
        assertMessage(spec("ib-1", disk, Optional.empty(),
                Optional.of(new MachineSpec.KernelBoot(none, disk, ""))), "kernel " + none);
        assertMessage(spec("ib-1", disk, Optional.empty(),
                Optional.of(new MachineSpec.KernelBoot(disk, none, ""))), "initrd " + none);
    }

    @Test
    void badDomainNameIsRefused() throws IOException {
        Path disk = Files.writeString(dir.resolve("d.qcow2"), "");
        assertThrows(IllegalArgumentException.class,
                () -> MachineLauncher.checkSpec(spec("bad name/x", disk, Optional.empty(), Optional.empty())));
    }

    private static void assertMessage(MachineSpec spec, String expected) {
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> MachineLauncher.checkSpec(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
