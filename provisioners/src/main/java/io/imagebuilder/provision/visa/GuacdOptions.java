package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the {@code guacd} provisioner: guacamole-server built from {@code source}, or installed from the
 * distribution's {@code packages}, or from {@code debs} pinned by checksum (downloaded once on the build host
 * and kept in its cache, then installed with their dependencies from the guest's repositories).
 *
 * @param install          where guacd comes from
 * @param buildPackages    packages installed before a source build; {@code a|b} installs the first that exists
 * @param configureOptions arguments of {@code ./configure}
 * @param bindHost         {@code bind_host} in /etc/guacamole/guacd.conf
 * @param bindPort         {@code bind_port} in /etc/guacamole/guacd.conf
 * @param service          how guacd is started at boot
 * @param makeJobs         parallel make jobs; 0 means one per guest CPU
 */
public record GuacdOptions(Install install, List<String> buildPackages, List<String> configureOptions,
                           String bindHost, int bindPort, ServiceManager service, int makeJobs, Proxy proxy)
        implements VisaOptions {

    public static final String TYPE = "guacd";

    /** Where guacd comes from. */
    public sealed interface Install {
        /** The upstream source tree: autoreconf, configure, make, make install (the seed's way). */
        record FromSource(SourceRef source) implements Install {}

        /** Packages of the guest's distribution (e.g. {@code guacd}, {@code libguac-client-rdp0}). */
        record FromPackages(List<String> packages) implements Install {
            public FromPackages {
                packages = List.copyOf(packages);
            }
        }

        /** .deb files pinned by SHA-256. */
        record FromDebs(List<Deb> debs) implements Install {
            public FromDebs {
                debs = List.copyOf(debs);
            }
        }
    }

    /** A package file and the SHA-256 it must have. */
    public record Deb(String url, String sha256) {
        public Deb {
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 of " + url + " must be 64 lowercase hex digits");
            }
        }

        public String fileName() {
            return url.substring(url.lastIndexOf('/') + 1);
        }
    }

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

    /** Built from {@code source}; listens on 0.0.0.0:4822, enabled at boot, no proxy. */
    public static GuacdOptions of(SourceRef source) {
        return of(new Install.FromSource(source));
    }

    public static GuacdOptions of(Install install) {
        return new GuacdOptions(install, DEFAULT_BUILD_PACKAGES, DEFAULT_CONFIGURE_OPTIONS, "0.0.0.0", 4822,
                ServiceManager.AUTO, 0, Proxy.NONE);
    }

    public Optional<SourceRef> source() {
        return install instanceof Install.FromSource s ? Optional.of(s.source()) : Optional.empty();
    }

    public GuacdOptions withBuildPackages(List<String> packages) {
        return new GuacdOptions(install, packages, configureOptions, bindHost, bindPort, service, makeJobs, proxy);
    }

    public GuacdOptions withProxy(Proxy p) {
        return new GuacdOptions(install, buildPackages, configureOptions, bindHost, bindPort, service, makeJobs, p);
    }

    public static GuacdOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        Install install = install(r);
        String host = r.string("bind_host", "0.0.0.0");
        if (!host.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw r.fail("bind_host", "must be a host name or address, got '" + host + "'");
        }
        GuacdOptions o = new GuacdOptions(install,
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

    private static Install install(OptionReader r) {
        int given = (r.has("source") ? 1 : 0) + (r.has("packages") ? 1 : 0) + (r.has("debs") ? 1 : 0);
        if (given != 1) {
            throw r.fail("source", "or packages or debs: give exactly one (where guacd comes from)");
        }
        if (r.has("source")) {
            return new Install.FromSource(SourceRef.parse(r, "source", r.requiredString("source"), ""));
        }
        if (r.has("packages")) {
            return new Install.FromPackages(r.stringList("packages", List.of()));
        }
        List<Deb> debs = new ArrayList<>();
        for (Map<String, String> item : r.mapList("debs")) {
            String url = item.getOrDefault("url", "");
            String sha = item.getOrDefault("sha256", "");
            if (!url.startsWith("http://") && !url.startsWith("https://") || !url.endsWith(".deb")) {
                throw r.fail("debs", "item " + (debs.size() + 1) + ": url must be an http(s) URL of a .deb, got '"
                        + url + "'");
            }
            if (!sha.matches("[0-9a-f]{64}") || item.size() != 2) {
                throw r.fail("debs", "item " + (debs.size() + 1) + " must have url and sha256 (64 lowercase hex"
                        + " digits) and nothing else");
            }
            debs.add(new Deb(url, sha));
        }
        if (debs.isEmpty()) {
            throw r.fail("debs", "is empty");
        }
        return new Install.FromDebs(debs);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (install instanceof Install.FromSource s) {
            m.put("source", s.source().toString());
            m.put("build_packages", buildPackages);
            m.put("configure_options", configureOptions);
            m.put("make_jobs", makeJobs);
        } else if (install instanceof Install.FromPackages p) {
            m.put("packages", p.packages());
        } else if (install instanceof Install.FromDebs d) {
            m.put("debs", d.debs().stream().map(deb -> Map.of("url", deb.url(), "sha256", deb.sha256())).toList());
        }
        m.put("bind_host", bindHost);
        m.put("bind_port", bindPort);
        m.put("service", service.toString());
        proxy.putInto(m);
        return m;
    }
}
