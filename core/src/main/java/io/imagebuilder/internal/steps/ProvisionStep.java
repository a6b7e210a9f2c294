package io.imagebuilder.internal.steps;

import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ProvisionerKind;

import java.nio.file.Path;

/** Runs one provisioner in the guest session (one step each, so each has its own timing and failure). */
final class ProvisionStep implements Step {

    private final String displayName;
    private final Provisioners.Provisioner provisioner;
    private final Path downloadCache;

    ProvisionStep(String displayName, Provisioners.Provisioner provisioner, Path downloadCache) {
        this.displayName = displayName;
        this.provisioner = provisioner;
        this.downloadCache = downloadCache;
    }

    @Override
    public String name() {
        return "provision " + displayName;
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        ctx.put(ProvisionerKind.DOWNLOAD_CACHE, downloadCache);
        provisioner.run(ctx.require(BuildKeys.SESSION), ctx);
    }
}
