package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code guacd}: builds guacamole-server from source, writes guacd.conf and enables the service. */
public final class GuacdProvisioner extends VisaProvisioner<GuacdOptions> {

    @Override
    public String type() {
        return GuacdOptions.TYPE;
    }

    @Override
    public GuacdOptions parse(ProvisionerSpec.Custom spec) {
        return GuacdOptions.parse(spec);
    }

    @Override
    List<Path> localFiles(GuacdOptions o) {
        return localSource(o.source());
    }

    @Override
    void provision(GuacdOptions o, GuestRun run) throws Exception {
        run.addText("guacd.conf", guacdConf(o));
        run.execute(script(o, run));
    }

    static String guacdConf(GuacdOptions o) {
        return Templates.render("guacd.conf", Map.of("bind_host", o.bindHost(),
                "bind_port", Integer.toString(o.bindPort())));
    }

    static String script(GuacdOptions o, GuestRun run) {
        return Templates.render("guacd.sh", Map.of(
                "packages", ShellQuote.quoteAll(o.buildPackages()),
                "source", run.sourceArgs(o.source(), "guacamole-server-source"),
                "configure_options", ShellQuote.quoteAll(o.configureOptions()),
                "jobs", o.makeJobs() == 0 ? "$(nproc)" : Integer.toString(o.makeJobs()),
                "service", o.service().toString()));
    }
}
