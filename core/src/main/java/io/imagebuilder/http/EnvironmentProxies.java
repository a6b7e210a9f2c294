package io.imagebuilder.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxies a shell's environment names, as curl and the openstack CLI read them ({@code https_proxy},
 * {@code http_proxy}, their upper-case forms, and {@code no_proxy}: host names, domain suffixes with or without a
 * leading dot, IP addresses and CIDR ranges, {@code *}); the JDK itself reads only its own system properties.
 * Without a variable for the scheme, the JDK's default selector decides. A proxy is an {@code http://host:port};
 * credentials in its URL are refused (the JDK will not send them for HTTPS tunnels), and so is an https proxy.
 */
public final class EnvironmentProxies extends ProxySelector {

    private final Optional<URI> httpsProxy;
    private final Optional<URI> httpProxy;
    private final List<String> noProxy;

    public EnvironmentProxies(Optional<URI> httpsProxy, Optional<URI> httpProxy, List<String> noProxy) {
        this.httpsProxy = httpsProxy;
        this.httpProxy = httpProxy;
        this.noProxy = List.copyOf(noProxy);
    }

    /** Reads the variables; a proxy that is not a URL is an IllegalArgumentException naming the variable. */
    public static EnvironmentProxies of(Map<String, String> env) {
        return new EnvironmentProxies(proxy(env, "https_proxy"), proxy(env, "http_proxy"),
                variable(env, "no_proxy").map(v -> Arrays.stream(v.split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList()).orElse(List.of()));
    }

    public Optional<URI> httpsProxy() {
        return httpsProxy;
    }

    /** The proxy for {@code uri}, if one applies (the answer an HttpURLConnection is opened with). */
    public Proxy proxyFor(URI uri) {
        return select(uri).get(0);
    }

    @Override
    public List<Proxy> select(URI uri) {
        Optional<URI> proxy = "https".equalsIgnoreCase(uri.getScheme()) ? httpsProxy
                : "http".equalsIgnoreCase(uri.getScheme()) ? httpProxy : Optional.empty();
        if (proxy.isEmpty()) {
            ProxySelector jdk = ProxySelector.getDefault();
            return jdk != null && jdk != this ? jdk.select(uri) : List.of(Proxy.NO_PROXY);
        }
        if (bypassed(uri.getHost())) {
            return List.of(Proxy.NO_PROXY);
        }
        URI p = proxy.get();
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(),
                p.getPort() > 0 ? p.getPort() : "https".equals(p.getScheme()) ? 443 : 80)));
    }

    boolean bypassed(String host) {
        if (host == null) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        for (String entry : noProxy) {
            String e = withoutPort(entry.toLowerCase(Locale.ROOT));
            if (e.equals("*") || h.equals(e.replaceFirst("^\\.", "")) || h.endsWith(e.startsWith(".") ? e : "." + e)
                    || inRange(h, e)) {
                return true;
            }
        }
        return false;
    }

    /** "host:port" and "[v6]:port" lose the port; a bare IPv6 address ("::1") keeps its colons. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            return entry.replaceFirst("^\\[([^]]*)](:\\d+)?$", "$1");
        }
        return entry.chars().filter(c -> c == ':').count() == 1 ? entry.replaceFirst(":\\d+$", "") : entry;
    }

    /** An IPv4 literal host in a CIDR range of no_proxy ("10.0.0.0/8"). */
    private static boolean inRange(String host, String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !host.matches("[0-9.]+") || !cidr.substring(0, slash).matches("[0-9.]+")) {
            return false;
        }
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            long mask = bits == 0 ? 0 : 0xffffffffL << (32 - bits) & 0xffffffffL;
            return (ipv4(host) & mask) == (ipv4(cidr.substring(0, slash)) & mask);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException(dotted);
        }
        long v = 0;
        for (String octet : p) {
            v = v << 8 | Integer.parseInt(octet);
        }
        return v;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // no other proxy to try: the request fails with its own error
    }

    private static Optional<URI> proxy(Map<String, String> env, String name) {
        return variable(env, name).map(v -> {
            URI u;
            try { // the value is never quoted: it may hold a password
                u = new URI(v.contains("://") ? v : "http://" + v);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(name + " is not a proxy URL (http://host:port)");
            }
            if (u.getHost() == null) {
                throw new IllegalArgumentException(name + " is not a proxy URL (http://host:port)");
            }
            if (u.getRawUserInfo() != null) {
                throw new IllegalArgumentException(name + " holds credentials, which are not supported: use a"
                        + " proxy that lets this host in without them");
            }
            if (!"http".equalsIgnoreCase(u.getScheme())) {
                throw new IllegalArgumentException(name + " is a " + u.getScheme() + " proxy; only http:// proxies"
                        + " are supported");
            }
            return u;
        });
    }

    private static Optional<String> variable(Map<String, String> env, String lowerName) {
        return Optional.ofNullable(env.get(lowerName)).or(() -> Optional.ofNullable(
                env.get(lowerName.toUpperCase(Locale.ROOT)))).map(String::trim).filter(s -> !s.isEmpty());
    }
}
