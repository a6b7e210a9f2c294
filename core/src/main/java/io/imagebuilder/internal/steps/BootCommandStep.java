package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Source;

/** Waits {@code boot_wait}, then types the boot command with the build-time values filled in. */
final class BootCommandStep implements Step {

    private final Source.Boot boot;
    private final String imageName;

    BootCommandStep(Source.Boot boot, String imageName) {
        this.boot = boot;
        this.imageName = imageName;
    }

    @Override
    public String name() {
        return "boot-command";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        ctx.info("waiting " + boot.bootWait().toSeconds() + " s before typing the boot command");
        ctx.cancellation().sleep(boot.bootWait());
        String command = BuildValues.substitute(boot.command(),
                HttpServerStep.values(ctx, imageName));
        ctx.require(BuildKeys.MACHINE).typeBootCommand(command, boot.keyInterval(), ctx);
    }
}
