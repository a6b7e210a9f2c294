package io.imagebuilder.spi;

import io.imagebuilder.template.Machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One build VM to start.
 *
 * @param name      unique domain name for this build
 * @param disk      the prepared first disk (qcow2)
 * @param cdrom     an installer ISO to attach
 * @param kernelBoot direct kernel boot instead of booting from disk/CD
 * @param serialLog file that receives the serial console
 * @param guestSshPort the guest port to forward a free host port to
 * @param forwardedPorts more guest TCP ports to forward free host ports to (see
 *                       {@link MachineInstance#forwardedPort})
 */
public record MachineSpec(String name, Machine machine, Path disk, Optional<Path> cdrom,
                          Optional<KernelBoot> kernelBoot, Path serialLog, int guestSshPort,
                          List<Integer> forwardedPorts) {

    public MachineSpec {
        forwardedPorts = List.copyOf(forwardedPorts);
    }

    /** A build VM: only the SSH port is forwarded. */
    public MachineSpec(String name, Machine machine, Path disk, Optional<Path> cdrom,
                       Optional<KernelBoot> kernelBoot, Path serialLog, int guestSshPort) {
        this(name, machine, disk, cdrom, kernelBoot, serialLog, guestSshPort, List.of());
    }

    public record KernelBoot(Path kernel, Path initrd, String commandLine) {}
}
