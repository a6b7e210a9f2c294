package io.imagebuilder.spi;

import io.imagebuilder.template.Machine;

import java.nio.file.Path;
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
 */
public record MachineSpec(String name, Machine machine, Path disk, Optional<Path> cdrom,
                          Optional<KernelBoot> kernelBoot, Path serialLog, int guestSshPort) {

    public record KernelBoot(Path kernel, Path initrd, String commandLine) {}
}
