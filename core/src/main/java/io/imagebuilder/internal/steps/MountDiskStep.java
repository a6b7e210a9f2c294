package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.HostSystem;
import io.imagebuilder.spi.MachineDriver;

import java.nio.file.Path;

/**
 * The chroot executor's start: opens the stage's disk on this host (mounted, with /proc, /sys, /dev and the
 * build's DNS around it, no service allowed to start) and hands the provisioners a session inside it.
 */
final class MountDiskStep implements Step {

    private final MachineDriver driver;
    private final String loginUser;

    /** @param loginUser the template's SSH user, whose home the commands get */
    MountDiskStep(MachineDriver driver, String loginUser) {
        this.driver = driver;
        this.loginUser = loginUser;
    }

    @Override
    public String name() {
        return "mount-disk";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        Path disk = ctx.require(BuildKeys.DISK);
        HostSystem system = driver.openOnHost(disk, loginUser, ctx);
        ctx.put(BuildKeys.HOST_SYSTEM, system);
        ctx.put(BuildKeys.SESSION, system.session());
    }

    @Override
    public void cleanup(StepContext ctx) throws Exception {
        ctx.remove(BuildKeys.SESSION);
        var system = ctx.remove(BuildKeys.HOST_SYSTEM);
        if (system.isPresent()) {
            system.get().close();
        }
    }

    @Override
    public boolean cleansUpOnAbort() {
        return true; // mounts and devices of this host: never left for the user to find
    }
}
