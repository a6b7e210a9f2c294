package io.imagebuilder.internal.steps;

import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;

/** Runs one provisioner in the guest session (one step each, so each has its own timing and failure). */
final class ProvisionStep implements Step {

    private final String displayName;
    private final Provisioners.Provisioner provisioner;

    ProvisionStep(String displayName, Provisioners.Provisioner provisioner) {
        this.displayName = displayName;
        this.provisioner = provisioner;
    }

    @Override
    public String name() {
        return "provision " + displayName;
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        provisioner.run(ctx.require(BuildKeys.SESSION), ctx);
    }
}
