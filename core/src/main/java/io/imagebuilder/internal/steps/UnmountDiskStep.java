package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.HostSystem;

/**
 * The chroot executor's end: closes the system mount-disk opened (restoring what it changed, unmounting) and
 * makes the disk it wrote the one convert reads.
 */
final class UnmountDiskStep implements Step {

    @Override
    public String name() {
        return "unmount-disk";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        ctx.remove(BuildKeys.SESSION);
        HostSystem system = ctx.remove(BuildKeys.HOST_SYSTEM).orElseThrow();
        system.close();
        ctx.put(BuildKeys.DISK, system.disk());
    }
}
