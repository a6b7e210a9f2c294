package io.imagebuilder.qemu.internal;

import io.imagebuilder.template.Accelerator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/**
 * Chooses KVM or TCG. Packer's test ("/dev/kvm can be opened") is not enough: on nested machines /dev/kvm
 * opens while the CPU lacks vmx/svm and KVM guests hang at boot, so AUTO also requires the flags.
 */
public final class AcceleratorDetector {

    /** The accelerator to use (KVM or TCG, never AUTO) and why, for the build log. */
    public record Choice(Accelerator accelerator, String reason) {

        /** libvirt's domain type for this accelerator. */
        public String domainType() {
            return accelerator == Accelerator.KVM ? "kvm" : "qemu";
        }
    }

    private static final Set<String> VIRT_FLAGS = Set.of("vmx", "svm");

    private final Path devKvm;
    private final Path cpuinfo;

    public AcceleratorDetector() {
        this(Path.of("/dev/kvm"), Path.of("/proc/cpuinfo"));
    }

    AcceleratorDetector(Path devKvm, Path cpuinfo) {
        this.devKvm = devKvm;
        this.cpuinfo = cpuinfo;
    }

    public Choice choose(Accelerator requested) {
        return switch (requested) {
            case KVM -> new Choice(Accelerator.KVM, "KVM, as asked (machine.accelerator or --accelerator)");
            case TCG -> new Choice(Accelerator.TCG, "TCG, as asked (machine.accelerator or --accelerator)");
            case AUTO -> detect();
        };
    }

    private Choice detect() {
        String problem = kvmProblem();
        if (problem != null) {
            return new Choice(Accelerator.TCG, "TCG (software emulation, slow): " + problem);
        }
        return new Choice(Accelerator.KVM, "KVM: " + devKvm + " opens and the CPU has vmx/svm");
    }

    /** Why KVM would not work here, or null when it should. */
    private String kvmProblem() {
        try {
            FileChannel.open(devKvm, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "cannot open " + devKvm + " (" + e.getMessage() + ")";
        }
        String flags;
        try (var lines = Files.lines(cpuinfo)) {
            flags = lines.filter(l -> l.startsWith("flags")).findFirst().orElse("");
        } catch (IOException e) {
            return "cannot read " + cpuinfo + " (" + e.getMessage() + ")";
        }
        boolean virt = Arrays.stream(flags.split("[\\s:]+")).anyMatch(VIRT_FLAGS::contains);
        if (!virt) {
            return devKvm + " opens but " + cpuinfo + " has no vmx/svm flag (nested virtualization is not"
                    + " exposed; KVM guests would hang at boot)";
        }
        return null;
    }
}
