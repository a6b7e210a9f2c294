package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code jupyterlab}: a virtual environment with pinned packages (from an index through the proxy, or from an
 * uploaded wheelhouse), a launcher that starts the lab as the instance owner, and a supervisor program for it.
 */
public final class JupyterLabProvisioner extends VisaProvisioner<JupyterLabOptions> {

    @Override
    public String type() {
        return JupyterLabOptions.TYPE;
    }

    @Override
    public JupyterLabOptions parse(ProvisionerSpec.Custom spec) {
        return JupyterLabOptions.parse(spec);
    }

    @Override
    List<Path> localFiles(JupyterLabOptions o) {
        return o.wheelhouse().map(List::of).orElse(List.of());
    }

    @Override
    void provision(JupyterLabOptions o, GuestRun run) throws Exception {
        run.addText("start-jupyterlab.sh", launcher(o));
        run.addText("jupyterlab.conf", Templates.render("jupyterlab-supervisor.conf",
                Map.of("launcher", o.launcherPath())));
        o.wheelhouse().ifPresent(w -> run.addUpload(w, "wheelhouse"));
        run.execute(script(o));
    }

    static String launcher(JupyterLabOptions o) {
        return Templates.render("start-jupyterlab.sh", Map.of(
                "jupyter", ShellQuote.quote(o.jupyterCommand()),
                "port", Integer.toString(o.port()),
                "jupyter_args", ShellQuote.quoteAll(o.jupyterArgs())));
    }

    static String script(JupyterLabOptions o) {
        return install(o) + kernels(o);
    }

    /** Each extra kernel registered with its own environment's ipykernel, for every user. */
    private static String kernels(JupyterLabOptions o) {
        StringBuilder s = new StringBuilder();
        for (JupyterLabOptions.Kernel k : o.kernels()) {
            s.append("\nstep \"Registering the kernel '").append(k.displayName()).append("'\"\n")
                    .append(ShellQuote.quote(k.python())).append(" -m ipykernel install --prefix /usr/local --name ")
                    .append(ShellQuote.quote(k.name())).append(" --display-name ")
                    .append(ShellQuote.quote(k.displayName())).append('\n');
        }
        return s.toString();
    }

    private static String install(JupyterLabOptions o) {
        if (o.from() == JupyterLabOptions.From.DEBIAN) {
            return Templates.render("jupyterlab-debian.sh", Map.of(
                    "system_packages", ShellQuote.quoteAll(o.systemPackages()),
                    "launcher", ShellQuote.quote(o.launcherPath())));
        }
        String pip = ShellQuote.quote(o.venv() + "/bin/pip") + " install ";
        if (o.wheelhouse().isPresent()) {
            pip += "--no-index --find-links \"$PAYLOAD/wheelhouse\" ";
        } else if (!o.indexUrl().isEmpty()) {
            pip += "--index-url " + ShellQuote.quote(o.indexUrl()) + " ";
        }
        pip += ShellQuote.quoteAll(o.packages());
        return Templates.render("jupyterlab.sh", Map.of(
                "system_packages", ShellQuote.quoteAll(o.systemPackages()),
                "venv", ShellQuote.quote(o.venv()),
                "pip_install", pip,
                "launcher", ShellQuote.quote(o.launcherPath())));
    }
}
