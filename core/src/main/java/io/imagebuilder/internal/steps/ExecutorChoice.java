package io.imagebuilder.internal.steps;

import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateException;

import java.util.Map;
import java.util.Optional;

/**
 * Where a stage's provisioners run, and why: what the plan prints. An explicit {@code chroot} that the stage
 * cannot take is a template error naming what needs the VM.
 *
 * @param executor VM or CHROOT, never AUTO
 */
public record ExecutorChoice(Executor executor, String why) {

    static ExecutorChoice of(ImageTemplate t, Optional<Executor> override, MachineDriver driver,
                             Map<String, ProvisionerKind> kinds) {
        Executor asked = override.orElse(t.machine().executor());
        if (asked == Executor.VM) {
            return new ExecutorChoice(Executor.VM, override.isPresent() ? "asked for (--executor vm)"
                    : "machine.executor: vm");
        }
        Optional<String> blocker = needsVm(t, kinds).or(() -> driver == null ? Optional.of("no VM driver")
                : driver.cannotOpenOnHost());
        if (asked == Executor.CHROOT) {
            if (blocker.isPresent()) {
                throw new TemplateException(t.location(), "'" + t.name() + "' cannot use the chroot executor: "
                        + blocker.get());
            }
            return new ExecutorChoice(Executor.CHROOT, override.isPresent() ? "asked for (--executor chroot)"
                    : "machine.executor: chroot");
        }
        if (driver != null && driver.runsAtNativeSpeed()) {
            return new ExecutorChoice(Executor.VM, "auto: VMs run at native speed here (KVM)");
        }
        return blocker.map(b -> new ExecutorChoice(Executor.VM, "auto: " + b))
                .orElse(new ExecutorChoice(Executor.CHROOT, "auto: without KVM a VM runs 10-20x slower; nothing"
                        + " here needs a booted system"));
    }

    /** What in the stage only a booted VM can do, if anything. */
    static Optional<String> needsVm(ImageTemplate t, Map<String, ProvisionerKind> kinds) {
        Source src = t.source();
        if (src instanceof Source.Iso) {
            return Optional.of("it installs from an ISO, which boots");
        }
        if (src instanceof Source.Kernel) {
            return Optional.of("it boots a kernel");
        }
        if (src.boot().hasCommand()) {
            return Optional.of("it types a boot command");
        }
        for (ProvisionerSpec p : t.provisioners()) {
            if (p instanceof ProvisionerSpec.Shell s && s.expectDisconnect()) {
                return Optional.of("provisioner " + p.displayName() + " (" + p.location() + ") expects a"
                        + " disconnect (a reboot)");
            }
            if (p instanceof ProvisionerSpec.Custom c && kinds.containsKey(c.type())) {
                Optional<String> why = kinds.get(c.type()).needsBootedSystem(c);
                if (why.isPresent()) {
                    return Optional.of("provisioner " + p.displayName() + " (" + p.location() + ") needs a booted"
                            + " system: " + why.get());
                }
            }
        }
        return Optional.empty();
    }
}
