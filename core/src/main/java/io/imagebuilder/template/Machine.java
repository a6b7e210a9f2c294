package io.imagebuilder.template;

import java.util.List;

/**
 * The build VM's hardware. Defaults follow Packer's QEMU builder: 1 CPU, 512 MB, a 40960 MB disk, and
 * {@code headless} on (we always run headless and print a VNC address to watch).
 *
 * @param qemuArgs extra QEMU arguments, each an argv list (Packer's {@code qemuargs})
 * @param executor where the provisioners run: the VM, a chroot on this host, or auto (see {@link Executor})
 */
public record Machine(int cpus, int memoryMb, long diskSizeMb, Accelerator accelerator, boolean headless,
                      List<List<String>> qemuArgs, Executor executor) {

    public static Machine defaults() {
        return new Machine(1, 512, 40960, Accelerator.AUTO, true, List.of(), Executor.AUTO);
    }

    /** The executor chosen automatically. */
    public Machine(int cpus, int memoryMb, long diskSizeMb, Accelerator accelerator, boolean headless,
                   List<List<String>> qemuArgs) {
        this(cpus, memoryMb, diskSizeMb, accelerator, headless, qemuArgs, Executor.AUTO);
    }

    public Machine {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1, got " + cpus);
        }
        if (memoryMb < 64) {
            throw new IllegalArgumentException("memory must be at least 64 MB, got " + memoryMb);
        }
        if (diskSizeMb < 1) {
            throw new IllegalArgumentException("disk size must be positive, got " + diskSizeMb + " MB");
        }
        qemuArgs = qemuArgs.stream().map(List::copyOf).toList();
    }
}
