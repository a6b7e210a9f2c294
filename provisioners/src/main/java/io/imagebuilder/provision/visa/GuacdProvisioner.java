package io.imagebuilder.provision.visa;

import io.imagebuilder.http.DownloadCache;
import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.Checksum;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code guacd}: installs guacamole-server (from source, the distribution's packages, or pinned .deb files),
 * writes guacd.conf and enables the service.
 */
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
        return o.source().map(VisaProvisioner::localSource).orElse(List.of());
    }

    @Override
    void provision(GuacdOptions o, GuestRun run) throws Exception {
        run.addText("guacd.conf", guacdConf(o));
        if (o.install() instanceof GuacdOptions.Install.FromDebs d) {
            fetchDebs(d.debs(), run);
        }
        run.execute(script(o, run));
    }

    /** Downloads each .deb once into the build host's cache (checked there), and uploads it with its sum. */
    private static void fetchDebs(List<GuacdOptions.Deb> debs, GuestRun run) throws Exception {
        StepContext ctx = run.context();
        Path cache = ctx.get(ProvisionerKind.DOWNLOAD_CACHE).orElse(ctx.workDir().resolve("downloads"));
        StringBuilder sums = new StringBuilder();
        for (GuacdOptions.Deb deb : debs) {
            Path file = DownloadCache.fetch(deb.url(), Optional.of(new Checksum.Digest("sha256", deb.sha256())),
                    cache, ctx);
            run.addUpload(file, deb.fileName());
            sums.append(deb.sha256()).append("  ").append(deb.fileName()).append('\n');
        }
        run.addText("guacd-debs.sha256", sums.toString());
    }

    static String guacdConf(GuacdOptions o) {
        return Templates.render("guacd.conf", Map.of("bind_host", o.bindHost(),
                "bind_port", Integer.toString(o.bindPort())));
    }

    static String script(GuacdOptions o, GuestRun run) throws IOException {
        return Templates.render("guacd.sh", Map.of(
                "install", installScript(o, run),
                "bind_host", o.bindHost(),
                "bind_port", Integer.toString(o.bindPort()),
                "service", o.service().toString()));
    }

    private static String installScript(GuacdOptions o, GuestRun run) throws IOException {
        if (o.install() instanceof GuacdOptions.Install.FromPackages p) {
            return "step \"Installing guacd from the distribution\"\ninstall_packages "
                    + ShellQuote.quoteAll(p.packages()) + "\n";
        }
        if (o.install() instanceof GuacdOptions.Install.FromDebs d) {
            List<String> names = d.debs().stream().map(GuacdOptions.Deb::fileName).toList();
            List<String> paths = new ArrayList<>();
            names.forEach(n -> paths.add("./" + n));
            return Templates.render("guacd-debs.sh", Map.of("files", ShellQuote.quote(String.join(" ", names)),
                    "paths", ShellQuote.quoteAll(paths)));
        }
        return Templates.render("guacd-source.sh", Map.of(
                "packages", ShellQuote.quoteAll(o.buildPackages()),
                "source", run.sourceArgs(o.source().orElseThrow(), "guacamole-server-source"),
                "configure_options", ShellQuote.quoteAll(o.configureOptions()),
                "jobs", o.makeJobs() == 0 ? "$(nproc)" : Integer.toString(o.makeJobs())));
    }
}
