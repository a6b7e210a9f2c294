package io.imagebuilder.internal.build;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** Defines and starts the build VM; its cleanup destroys and undefines it, whatever happened. */
final class StartVmStep implements Step {

    private final MachineDriver driver;
    private final String vmName;
    private final Machine machine;
    private final Function<StepContext, Optional<Path>> cdrom;
    private final Function<StepContext, Optional<MachineSpec.KernelBoot>> kernelBoot;
    private final int guestSshPort;

    StartVmStep(MachineDriver driver, String vmName, Machine machine, Function<StepContext, Optional<Path>> cdrom,
                Function<StepContext, Optional<MachineSpec.KernelBoot>> kernelBoot, int guestSshPort) {
        this.driver = driver;
        this.vmName = vmName;
        this.machine = machine;
        this.cdrom = cdrom;
        this.kernelBoot = kernelBoot;
        this.guestSshPort = guestSshPort;
    }

    @Override
    public String name() {
        return "start-vm";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        MachineSpec spec = new MachineSpec(vmName, machine, ctx.require(BuildKeys.DISK), cdrom.apply(ctx),
                kernelBoot.apply(ctx), ctx.workDir().resolve("serial.log"), guestSshPort);
        MachineInstance vm = driver.start(spec, ctx);
        ctx.put(BuildKeys.MACHINE, vm);
        ctx.info("VM " + vm.name() + " started; ssh forwarded from " + vm.sshHost() + ":" + vm.sshPort()
                + vm.vncAddress().map(v -> "; watch it at " + v).orElse(""));
    }

    @Override
    public void cleanup(StepContext ctx) {
        ctx.remove(BuildKeys.MACHINE).ifPresent(MachineInstance::close);
    }
}
