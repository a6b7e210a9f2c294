package io.imagebuilder.provision;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.ProvisionerSpec;

/** A test-only provisioner type (registered in test resources) to check custom dispatch. */
public final class EchoKind implements ProvisionerKind {

    static final String TYPE = "test-echo";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void validate(ProvisionerSpec.Custom spec) {
    }

    @Override
    public void run(ProvisionerSpec.Custom spec, GuestSession guest, StepContext ctx) throws Exception {
        guest.run("echo " + io.imagebuilder.internal.provision.ShellQuote.quote(String.valueOf(spec.options()
                .get("text"))), spec.displayName(), ctx);
    }
}
