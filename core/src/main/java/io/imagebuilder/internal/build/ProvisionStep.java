package io.imagebuilder.internal.build;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.template.ProvisionerSpec;

/** Runs one provisioner in the guest (one step each, so each has its own timing and failure). */
final class ProvisionStep implements Step {

    private final GuestAccess guest;
    private final ProvisionerSpec spec;

    ProvisionStep(GuestAccess guest, ProvisionerSpec spec) {
        this.guest = guest;
        this.spec = spec;
    }

    @Override
    public String name() {
        return "provision " + spec.displayName();
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        guest.provision(spec, ctx.require(BuildKeys.SESSION), ctx);
    }
}
