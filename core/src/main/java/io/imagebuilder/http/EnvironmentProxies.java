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
 * leading dot, {@code *}); the JDK itself reads only its own system properties. Without a variable for the
 * scheme, the JDK's default selector decides.
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
            String e = entry.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
            if (e.equals("*") || h.equals(e.replaceFirst("^\\.", "")) || h.endsWith(e.startsWith(".") ? e : "." + e)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // no other proxy to try: the request fails with its own error
    }

    private static Optional<URI> proxy(Map<String, String> env, String name) {
        return variable(env, name).map(v -> {
            URI u = URI.create(v.contains("://") ? v : "http://" + v);
            if (u.getHost() == null) {
                throw new IllegalArgumentException(name + " is not a proxy URL: " + u.getScheme() + "://...");
            }
            return u;
        });
    }

    private static Optional<String> variable(Map<String, String> env, String lowerName) {
        return Optional.ofNullable(env.get(lowerName)).or(() -> Optional.ofNullable(
                env.get(lowerName.toUpperCase(Locale.ROOT)))).map(String::trim).filter(s -> !s.isEmpty());
    }
}
