package io.imagebuilder.qemu.internal;

import io.imagebuilder.template.Accelerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorDetectorTest {

    @TempDir
    Path dir;

    private AcceleratorDetector detector(boolean kvmExists, String flags) throws IOException {
        Path kvm = dir.resolve("kvm");
        if (kvmExists) {
            Files.writeString(kvm, "");
        }
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n");
        return new AcceleratorDetector(kvm, cpuinfo);
    }

    @Test
    void autoPicksKvmOnlyWithDeviceAndVirtFlags() throws IOException {
        assertEquals(Accelerator.KVM, detector(true, "fpu vme vmx sse").choose(Accelerator.AUTO).accelerator());
        assertEquals(Accelerator.KVM, detector(true, "fpu svm sse").choose(Accelerator.AUTO).accelerator());
    }

    @Test
    void autoPicksTcgWhenKvmOpensButCpuHasNoFlags() throws IOException {
        AcceleratorDetector.Choice c = detector(true, "fpu vme sse hypervisor").choose(Accelerator.AUTO);
        assertEquals(Accelerator.TCG, c.accelerator());
        assertEquals("qemu", c.domainType());
        assertTrue(c.reason().contains("no vmx/svm"), c.reason());
    }

    @Test
    void autoPicksTcgWithoutDevice() throws IOException {
        AcceleratorDetector.Choice c = detector(false, "vmx").choose(Accelerator.AUTO);
        assertEquals(Accelerator.TCG, c.accelerator());
        assertTrue(c.reason().contains("cannot open"), c.reason());
    }

    @Test
    void forcedChoicesAreKept() throws IOException {
        AcceleratorDetector d = detector(false, "");
        assertEquals(Accelerator.KVM, d.choose(Accelerator.KVM).accelerator());
        assertEquals("kvm", d.choose(Accelerator.KVM).domainType());
        assertEquals(Accelerator.TCG, detector(true, "vmx").choose(Accelerator.TCG).accelerator());
    }

    @Test
    void flagMustBeAWholeWord() throws IOException {
        assertEquals(Accelerator.TCG, detector(true, "vmxx svmfoo").choose(Accelerator.AUTO).accelerator());
    }
}
