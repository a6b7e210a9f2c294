package io.imagebuilder.qemu;

import io.imagebuilder.qemu.internal.AcceleratorDetector;
import io.imagebuilder.template.Accelerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real detection on this machine: /dev/kvm opens, but without vmx/svm KVM guests hang, so TCG. */
class AcceleratorIT {

    @Test
    void autoChoosesTcgWhereTheCpuHasNoVirtualizationFlags() throws Exception {
        String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        boolean virtFlags = cpuinfo.matches("(?s).*\\b(vmx|svm)\\b.*");
        AcceleratorDetector.Choice c = new AcceleratorDetector().choose(Accelerator.AUTO);
        System.out.println("accelerator: " + c.reason());
        if (virtFlags && Files.isWritable(Path.of("/dev/kvm"))) {
            assertEquals(Accelerator.KVM, c.accelerator(), c.reason()); // a machine with working KVM
        } else {
            assertEquals(Accelerator.TCG, c.accelerator(), c.reason());
            assertTrue(c.reason().contains("no vmx/svm") || c.reason().contains("cannot open /dev/kvm"), c.reason());
        }
    }
}
