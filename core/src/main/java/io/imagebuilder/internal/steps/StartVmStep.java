package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.Source;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts the build VM on the stage's disk; its cleanup destroys it, whatever happened. An ISO source is attached
 * as its CD-ROM (the file fetch-source made local); a kernel source boots directly, its command line's
 * build-time values ({@code {{ .HTTPIP }}}...) filled in from the HTTP server.
 */
final class StartVmStep implements Step {

    private final MachineDriver driver;
    private final String vmName;
    private final Machine machine;
    private final int guestSshPort;
    private final boolean isoAsCdrom;
    private final Optional<Source.Kernel> kernel;
    private final String imageName;

    StartVmStep(MachineDriver driver, String vmName, Machine machine, int guestSshPort, boolean isoAsCdrom,
                Optional<Source.Kernel> kernel, String imageName) {
        this.driver = driver;
        this.vmName = vmName;
        this.machine = machine;
        this.guestSshPort = guestSshPort;
        this.isoAsCdrom = isoAsCdrom;
        this.kernel = kernel;
        this.imageName = imageName;
    }

    @Override
    public String name() {
        return "start-vm";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Optional<Path> cdrom = isoAsCdrom ? Optional.of(ctx.require(BuildKeys.SOURCE_FILE)) : Optional.empty();
        Optional<MachineSpec.KernelBoot> kernelBoot = kernel.map(k -> new MachineSpec.KernelBoot(k.kernel(),
                k.initrd(), BuildValues.substitute(k.commandLine(), HttpServerStep.values(ctx, imageName))));
        MachineSpec spec = new MachineSpec(vmName, machine, ctx.require(BuildKeys.DISK), cdrom, kernelBoot,
                ctx.workDir().resolve("serial.log"), guestSshPort);
        MachineInstance vm = driver.start(spec, ctx);
        ctx.put(BuildKeys.MACHINE, vm);
        // the driver said how it started (and where to watch) in a line of its own: this one is for the log
        ctx.log(BuildEvent.Level.DEBUG, "VM " + vm.name() + " started; ssh forwarded from " + vm.sshHost() + ":"
                + vm.sshPort() + vm.vncAddress().map(v -> "; watch it at " + v).orElse(""));
    }

    @Override
    public void cleanup(StepContext ctx) {
        ctx.remove(BuildKeys.MACHINE).ifPresent(MachineInstance::close);
    }
}
