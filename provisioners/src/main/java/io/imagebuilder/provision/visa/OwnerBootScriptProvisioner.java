package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.util.Map;

/**
 * {@code owner-boot-script}: installs the VISA snippet that, at an instance's first boot, creates the owner user
 * named in the cloud-init metadata ({@code meta.owner}) with a random password and writes the PAM public key
 * ({@code meta.pamPublicKey}). {@link #script()} gives the text for the VISA admin UI.
 */
public final class OwnerBootScriptProvisioner extends VisaProvisioner<OwnerBootScriptOptions> {

    /** The snippet with the default options, as installed by a template that sets none. */
    public static String script() {
        return script(OwnerBootScriptOptions.defaults());
    }

    public static String script(OwnerBootScriptOptions o) {
        return Templates.render("owner-boot.sh", Map.of(
                "shell", o.shell(),
                "groups", String.join(",", o.groups()),
                "key_path", o.keyPath()));
    }

    @Override
    public String type() {
        return OwnerBootScriptOptions.TYPE;
    }

    @Override
    public OwnerBootScriptOptions parse(ProvisionerSpec.Custom spec) {
        return OwnerBootScriptOptions.parse(spec);
    }

    @Override
    void provision(OwnerBootScriptOptions o, GuestRun run) throws Exception {
        run.addText("owner-boot.sh", script(o));
        run.execute(Templates.render("owner-boot-install.sh", Map.of("path", ShellQuote.quote(o.path()))));
    }
}
