package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.template.Shutdown;

import java.time.Duration;

/**
 * Stops the guest so its disk is consistent: the shutdown command over SSH, then up to the timeout for the
 * domain to shut off; failing that ACPI power-off and finally a hard stop (each logged by the driver).
 * Without a command, ACPI power-off straight away.
 */
final class ShutdownStep implements Step {

    static final Duration ACPI_GRACE = Duration.ofSeconds(60);

    private final Shutdown shutdown;

    ShutdownStep(Shutdown shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public String name() {
        return "shutdown";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        MachineInstance vm = ctx.require(BuildKeys.MACHINE);
        if (shutdown.command().isPresent()) {
            ctx.info("shutting down with: " + shutdown.command().get());
            int exit = ctx.require(BuildKeys.SESSION).run(shutdown.command().get(), "shutdown", ctx);
            if (exit > 0) {
                ctx.warn("shutdown command exited with " + exit);
            }
            if (vm.waitForShutOff(shutdown.timeout(), ctx)) {
                return;
            }
            ctx.warn("VM still running " + shutdown.timeout().toSeconds() + " s after the shutdown command");
        }
        vm.powerOff(ACPI_GRACE, ctx);
    }
}
