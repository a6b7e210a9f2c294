package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the {@code xrdp} provisioner. Without {@code xrdp_source} xrdp comes from the distribution's
 * {@code packages}; with it, xrdp (and xorgxrdp when {@code xorgxrdp_source} is set) are built from source.
 *
 * @param pamModule the module checking VISA's signed token in /etc/pam.d/xrdp-sesman
 * @param pamArgs   its arguments on the {@code auth} line
 */
public record XrdpOptions(List<String> packages, Optional<SourceRef> xrdpSource, Optional<SourceRef> xorgxrdpSource,
                          List<String> buildPackages, List<String> configureOptions, String pamModule,
                          List<String> pamArgs, Proxy proxy) implements VisaOptions {

    public static final String TYPE = "xrdp";
    /** xrdp with its Xorg backend; libpam-cap for the last line of the ILL's stack. */
    public static final List<String> DEFAULT_PACKAGES = List.of("xrdp", "xorgxrdp", "libpam-cap");
    /** The ILL's arguments: the key the owner boot script writes, and tokens valid for 60 seconds. */
    public static final List<String> DEFAULT_PAM_ARGS = List.of(VisaPamOptions.DEFAULT_KEY_PATH, "60");
    /** Debian/Ubuntu packages to build xrdp and xorgxrdp from source. */
    public static final List<String> DEFAULT_BUILD_PACKAGES = List.of("build-essential", "autoconf", "automake",
            "libtool", "pkg-config", "nasm", "libssl-dev", "libpam0g-dev", "libx11-dev", "libxfixes-dev",
            "libxrandr-dev", "libjpeg-dev", "libfuse3-dev|libfuse-dev", "xserver-xorg-dev", "xserver-xorg-core");
    public static final List<String> DEFAULT_CONFIGURE_OPTIONS = List.of("--enable-jpeg", "--enable-fuse");

    public XrdpOptions {
        packages = List.copyOf(packages);
        buildPackages = List.copyOf(buildPackages);
        configureOptions = List.copyOf(configureOptions);
        pamArgs = List.copyOf(pamArgs);
    }

    /** xrdp and xorgxrdp from the distribution, sessions authenticated by pam_visa.so. */
    public static XrdpOptions defaults() {
        return new XrdpOptions(DEFAULT_PACKAGES, Optional.empty(), Optional.empty(), DEFAULT_BUILD_PACKAGES,
                DEFAULT_CONFIGURE_OPTIONS, "pam_visa.so", DEFAULT_PAM_ARGS, Proxy.NONE);
    }

    public boolean fromSource() {
        return xrdpSource.isPresent();
    }

    /**
     * The first {@code auth} line of the xrdp-sesman PAM stack (the ILL's): a valid token jumps over pam_deny to
     * pam_permit; anything else falls through to pam_deny.
     */
    public String pamAuthLine() {
        List<String> words = new ArrayList<>(List.of("auth", "[success=2 default=ignore]", pamModule));
        words.addAll(pamArgs);
        return String.join(" ", words);
    }

    public static XrdpOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        Optional<SourceRef> xrdp = r.optionalString("xrdp_source").map(s -> SourceRef.parse(r, "xrdp_source", s, ""));
        Optional<SourceRef> xorg = r.optionalString("xorgxrdp_source")
                .map(s -> SourceRef.parse(r, "xorgxrdp_source", s, ""));
        if (xorg.isPresent() && xrdp.isEmpty()) {
            throw r.fail("xorgxrdp_source", "needs xrdp_source too (xorgxrdp builds against xrdp)");
        }
        if (xrdp.isPresent() && r.has("packages")) {
            throw r.fail("packages", "cannot be combined with xrdp_source (install from packages or from source)");
        }
        String module = r.string("pam_module", "pam_visa.so");
        if (!module.matches("[A-Za-z0-9_./-]+")) {
            throw r.fail("pam_module", "must be a module file name like pam_visa.so, got '" + module + "'");
        }
        List<String> args = r.stringList("pam_args", DEFAULT_PAM_ARGS);
        for (String a : args) {
            if (a.isBlank() || a.contains("\n")) {
                throw r.fail("pam_args", "items must be single words on one line, got '" + a + "'");
            }
        }
        XrdpOptions o = new XrdpOptions(r.stringList("packages", DEFAULT_PACKAGES), xrdp, xorg,
                r.stringList("build_packages", DEFAULT_BUILD_PACKAGES),
                r.stringList("configure_options", DEFAULT_CONFIGURE_OPTIONS), module, args, Proxy.parse(r));
        r.finish();
        return o;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (fromSource()) {
            m.put("xrdp_source", xrdpSource.get().toString());
            xorgxrdpSource.ifPresent(s -> m.put("xorgxrdp_source", s.toString()));
            m.put("build_packages", buildPackages);
            m.put("configure_options", configureOptions);
        } else {
            m.put("packages", packages);
        }
        m.put("pam_module", pamModule);
        m.put("pam_args", pamArgs);
        proxy.putInto(m);
        return m;
    }
}
