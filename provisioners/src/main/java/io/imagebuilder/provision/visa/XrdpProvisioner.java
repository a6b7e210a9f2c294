package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code xrdp}: installs xrdp (packages or source) and makes xrdp-sesman authenticate with the VISA PAM module. */
public final class XrdpProvisioner extends VisaProvisioner<XrdpOptions> {

    @Override
    public String type() {
        return XrdpOptions.TYPE;
    }

    @Override
    public XrdpOptions parse(ProvisionerSpec.Custom spec) {
        return XrdpOptions.parse(spec);
    }

    @Override
    List<Path> localFiles(XrdpOptions o) {
        List<Path> files = new ArrayList<>();
        o.xrdpSource().ifPresent(s -> files.addAll(localSource(s)));
        o.xorgxrdpSource().ifPresent(s -> files.addAll(localSource(s)));
        return files;
    }

    @Override
    void provision(XrdpOptions o, GuestRun run) throws Exception {
        run.addText("xrdp-sesman.pam", pamStack(o));
        run.execute(script(o, run));
    }

    static String pamStack(XrdpOptions o) {
        return Templates.render("xrdp-sesman.pam", Map.of("auth_line", o.pamAuthLine()));
    }

    static String script(XrdpOptions o, GuestRun run) throws IOException {
        String install;
        if (o.fromSource()) {
            String xorg = "echo \"no xorgxrdp_source: xorgxrdp is not built\"\n";
            if (o.xorgxrdpSource().isPresent()) {
                xorg = Templates.render("xrdp-xorgxrdp.sh",
                        Map.of("source", run.sourceArgs(o.xorgxrdpSource().get(), "xorgxrdp-source")));
            }
            install = Templates.render("xrdp-source.sh", Map.of(
                    "build_packages", ShellQuote.quoteAll(o.buildPackages()),
                    "source", run.sourceArgs(o.xrdpSource().get(), "xrdp-source"),
                    "configure_options", ShellQuote.quoteAll(o.configureOptions()),
                    "xorgxrdp", xorg));
        } else {
            install = "step \"Installing xrdp from the distribution\"\ninstall_packages "
                    + ShellQuote.quoteAll(o.packages()) + "\n";
        }
        return Templates.render("xrdp.sh", Map.of("install", install, "pam_module", ShellQuote.quote(o.pamModule())));
    }
}
