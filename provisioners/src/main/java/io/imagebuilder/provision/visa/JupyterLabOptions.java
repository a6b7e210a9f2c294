package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the {@code jupyterlab} provisioner: a Python virtual environment with pinned packages, started by
 * supervisor as the instance owner.
 *
 * @param packages       pinned requirements ({@code name==version})
 * @param indexUrl       the Python package index, empty for pip's default; ignored with a wheelhouse
 * @param wheelhouse     a local folder of wheels uploaded and installed with {@code --no-index}
 * @param systemPackages distribution packages needed first (venv support, supervisor)
 * @param jupyterArgs    extra arguments of {@code jupyter lab}
 * @param from           where JupyterLab comes from: pip into {@code venv}, or the distribution's packages
 * @param kernels        kernels of other Python environments to register (the ILL's "Data Analysis")
 */
public record JupyterLabOptions(String venv, List<String> packages, String indexUrl, Optional<Path> wheelhouse,
                                List<String> systemPackages, int port, List<String> jupyterArgs, Proxy proxy,
                                From from, List<Kernel> kernels) implements VisaOptions {

    /**
     * A kernel run by another environment's Python (which must have ipykernel), registered for every user
     * under /usr/local/share/jupyter/kernels/NAME.
     */
    public record Kernel(String name, String displayName, String python) {}

    public JupyterLabOptions {
        packages = List.copyOf(packages);
        systemPackages = List.copyOf(systemPackages);
        jupyterArgs = List.copyOf(jupyterArgs);
        kernels = List.copyOf(kernels);
    }

    public JupyterLabOptions(String venv, List<String> packages, String indexUrl, Optional<Path> wheelhouse,
                             List<String> systemPackages, int port, List<String> jupyterArgs, Proxy proxy,
                             From from) {
        this(venv, packages, indexUrl, wheelhouse, systemPackages, port, jupyterArgs, proxy, from, List.of());
    }

    /** pip into a virtual environment (sites with an index), or the distribution's packages (Debian trixie). */
    public enum From {
        PIP, DEBIAN;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Debian's JupyterLab (trixie has 4.0.11), the {@code jupyter} command, the Python kernel, supervisor. */
    public static final List<String> DEBIAN_SYSTEM_PACKAGES = List.of("jupyterlab", "jupyter-core",
            "python3-ipykernel", "supervisor");
    /** Where the launcher goes when JupyterLab comes from packages (there is no venv to put it beside). */
    public static final String DEBIAN_LAUNCHER = "/opt/visa/jupyter/start-jupyterlab.sh";

    public JupyterLabOptions(String venv, List<String> packages, String indexUrl, Optional<Path> wheelhouse,
                             List<String> systemPackages, int port, List<String> jupyterArgs, Proxy proxy) {
        this(venv, packages, indexUrl, wheelhouse, systemPackages, port, jupyterArgs, proxy, From.PIP);
    }

    public static final String TYPE = "jupyterlab";
    public static final String DEFAULT_VENV = "/opt/visa/jupyter/jupyterlab";
    public static final List<String> DEFAULT_PACKAGES = List.of("jupyterlab==4.2.5");
    public static final List<String> DEFAULT_SYSTEM_PACKAGES = List.of("python3-venv", "supervisor");
    /** VISA's jupyter proxy authenticates users before they reach the lab, so the lab asks for no token. */
    public static final List<String> DEFAULT_JUPYTER_ARGS = List.of("--ServerApp.token=",
            "--ServerApp.password=");

    public static JupyterLabOptions defaults() {
        return new JupyterLabOptions(DEFAULT_VENV, DEFAULT_PACKAGES, "", Optional.empty(), DEFAULT_SYSTEM_PACKAGES,
                8888, DEFAULT_JUPYTER_ARGS, Proxy.NONE);
    }

    public JupyterLabOptions withWheelhouse(Path dir, List<String> pinned) {
        return new JupyterLabOptions(venv, pinned, indexUrl, Optional.of(dir), systemPackages, port, jupyterArgs,
                proxy, from, kernels);
    }

    /** Where the launcher script goes: next to the venv. */
    public String launcherPath() {
        return from == From.DEBIAN ? DEBIAN_LAUNCHER : venv.substring(0, venv.lastIndexOf('/') + 1)
                + "start-jupyterlab.sh";
    }

    /** The {@code jupyter} command. */
    public String jupyterCommand() {
        return from == From.DEBIAN ? "/usr/bin/jupyter" : venv + "/bin/jupyter";
    }

    public static JupyterLabOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        From from = r.enumValue("from", From.class, From.PIP);
        if (from == From.DEBIAN) {
            for (String pipOnly : List.of("venv", "packages", "index_url", "wheelhouse")) {
                if (r.has(pipOnly)) {
                    throw r.fail(pipOnly, "applies to from: pip only (JupyterLab comes from packages here)");
                }
            }
        }
        String venv = r.string("venv", DEFAULT_VENV);
        if (!venv.matches("/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+")) {
            throw r.fail("venv", "must be an absolute path (two levels or more) without spaces, got '" + venv + "'");
        }
        List<String> packages = r.stringList("packages", DEFAULT_PACKAGES);
        for (String p : packages) {
            if (!p.matches("[A-Za-z0-9][A-Za-z0-9._\\-\\[\\],]*==[A-Za-z0-9.+!*\\-]+")) {
                throw r.fail("packages", "must pin every package as name==version, got '" + p + "'");
            }
        }
        Optional<Path> wheelhouse = r.optionalPath("wheelhouse");
        String index = r.string("index_url", "");
        if (wheelhouse.isPresent() && !index.isEmpty()) {
            throw r.fail("index_url", "cannot be combined with wheelhouse (a wheelhouse installs with --no-index)");
        }
        JupyterLabOptions o = new JupyterLabOptions(venv, from == From.DEBIAN ? List.of() : packages, index,
                wheelhouse, r.stringList("system_packages", from == From.DEBIAN ? DEBIAN_SYSTEM_PACKAGES
                : DEFAULT_SYSTEM_PACKAGES), r.integer("port", 8888, 1, 65535),
                r.stringList("jupyter_args", DEFAULT_JUPYTER_ARGS), Proxy.parse(r), from, kernels(r));
        r.finish();
        return o;
    }

    private static List<Kernel> kernels(OptionReader r) {
        List<Kernel> kernels = new ArrayList<>();
        for (Map<String, String> k : r.mapList("kernels")) {
            String where = "item " + (kernels.size() + 1) + ": ";
            String name = k.getOrDefault("name", "");
            String python = k.getOrDefault("python", "");
            if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
                throw r.fail("kernels", where + "name must be lowercase letters, digits, '.', '_', '-', got '"
                        + name + "'");
            }
            if (!python.matches("/[A-Za-z0-9_./+-]+")) {
                throw r.fail("kernels", where + "python must be the absolute path of the environment's python,"
                        + " got '" + python + "'");
            }
            String display = k.getOrDefault("display_name", name);
            if (display.contains("\n") || display.contains("'")) {
                throw r.fail("kernels", where + "display_name must be one line without quotes");
            }
            kernels.add(new Kernel(name, display, python));
        }
        return kernels;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from.toString());
        if (from == From.PIP) {
            m.put("venv", venv);
            m.put("packages", packages);
        }
        if (!indexUrl.isEmpty()) {
            m.put("index_url", indexUrl);
        }
        wheelhouse.ifPresent(w -> m.put("wheelhouse", w.toString()));
        m.put("system_packages", systemPackages);
        m.put("port", port);
        m.put("jupyter_args", jupyterArgs);
        if (!kernels.isEmpty()) {
            m.put("kernels", kernels.stream().map(k -> Map.of("name", k.name(), "display_name", k.displayName(),
                    "python", k.python())).toList());
        }
        proxy.putInto(m);
        return m;
    }
}
