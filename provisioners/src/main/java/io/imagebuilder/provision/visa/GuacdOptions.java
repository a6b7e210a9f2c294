package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the {@code guacd} provisioner (guacamole-server built from source).
 *
 * @param source           the guacamole-server source: a URL the guest downloads, or a local tarball/folder
 * @param buildPackages    packages installed before the build; {@code a|b} installs the first that exists
 * @param configureOptions arguments of {@code ./configure}
 * @param bindHost         {@code bind_host} in /etc/guacamole/guacd.conf
 * @param bindPort         {@code bind_port} in /etc/guacamole/guacd.conf
 * @param service          how guacd is started at boot
 * @param makeJobs         parallel make jobs; 0 means one per guest CPU
 */
public record GuacdOptions(SourceRef source, List<String> buildPackages, List<String> configureOptions,
                           String bindHost, int bindPort, ServiceManager service, int makeJobs, Proxy proxy)
        implements VisaOptions {

    public static final String TYPE = "guacd";

    /** Debian/Ubuntu packages guacamole-server needs to build with RDP, VNC and SSH support. */
    public static final List<String> DEFAULT_BUILD_PACKAGES = List.of("build-essential", "autoconf", "automake",
            "libtool", "libtool-bin", "pkg-config", "libcairo2-dev",
            "libjpeg62-turbo-dev|libjpeg-turbo8-dev|libjpeg-dev", "libpng-dev", "uuid-dev",
            "freerdp2-dev|libfreerdp-dev", "libpango1.0-dev", "libssh2-1-dev", "libvncserver-dev", "libssl-dev",
            "libwebp-dev", "libpulse-dev", "libvorbis-dev");

    public static final List<String> DEFAULT_CONFIGURE_OPTIONS = List.of("--with-init-dir=/etc/init.d",
            "--with-rdp");

    public GuacdOptions {
        buildPackages = List.copyOf(buildPackages);
        configureOptions = List.copyOf(configureOptions);
    }

    /** The defaults: listen on 0.0.0.0:4822, enabled at boot, no proxy. */
    public static GuacdOptions of(SourceRef source) {
        return new GuacdOptions(source, DEFAULT_BUILD_PACKAGES, DEFAULT_CONFIGURE_OPTIONS, "0.0.0.0", 4822,
                ServiceManager.AUTO, 0, Proxy.NONE);
    }

    public GuacdOptions withBuildPackages(List<String> packages) {
        return new GuacdOptions(source, packages, configureOptions, bindHost, bindPort, service, makeJobs, proxy);
    }

    public GuacdOptions withProxy(Proxy p) {
        return new GuacdOptions(source, buildPackages, configureOptions, bindHost, bindPort, service, makeJobs, p);
    }

    public static GuacdOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        SourceRef source = SourceRef.parse(r, "source", r.requiredString("source"), "");
        String host = r.string("bind_host", "0.0.0.0");
        if (!host.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw r.fail("bind_host", "must be a host name or address, got '" + host + "'");
        }
        GuacdOptions o = new GuacdOptions(source,
                r.stringList("build_packages", DEFAULT_BUILD_PACKAGES),
                r.stringList("configure_options", DEFAULT_CONFIGURE_OPTIONS),
                host,
                r.integer("bind_port", 4822, 1, 65535),
                r.enumValue("service", ServiceManager.class, ServiceManager.AUTO),
                r.integer("make_jobs", 0, 0, 256),
                Proxy.parse(r));
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
        m.put("source", source.toString());
        m.put("build_packages", buildPackages);
        m.put("configure_options", configureOptions);
        m.put("bind_host", bindHost);
        m.put("bind_port", bindPort);
        m.put("service", service.toString());
        m.put("make_jobs", makeJobs);
        proxy.putInto(m);
        return m;
    }
}
