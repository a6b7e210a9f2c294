package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.util.Map;

/**
 * {@code power-management}: masks sleep, suspend and hibernation. {@code systemctl mask} only writes symlinks,
 * so it works while the image is built without systemd running; where it fails the links are made by hand.
 */
public final class PowerManagementProvisioner extends VisaProvisioner<PowerManagementOptions> {

    @Override
    public String type() {
        return PowerManagementOptions.TYPE;
    }

    @Override
    public PowerManagementOptions parse(ProvisionerSpec.Custom spec) {
        return PowerManagementOptions.parse(spec);
    }

    @Override
    void provision(PowerManagementOptions o, GuestRun run) throws Exception {
        run.execute(script(o));
    }

    static String script(PowerManagementOptions o) {
        return Templates.render("power-management.sh", Map.of("targets", ShellQuote.quoteAll(o.maskedTargets())));
    }
}
