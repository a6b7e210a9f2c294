package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy a guest uses to reach package mirrors, source URLs and Python indexes (options {@code http_proxy},
 * {@code https_proxy}, {@code no_proxy}; empty text means none). Exported to every generated script, so apt,
 * curl, wget, git and pip all follow it.
 */
public record Proxy(String httpProxy, String httpsProxy, String noProxy) {

    public static final Proxy NONE = new Proxy("", "", "");

    public Proxy {
        httpProxy = httpProxy == null ? "" : httpProxy;
        httpsProxy = httpsProxy == null || httpsProxy.isEmpty() ? httpProxy : httpsProxy;
        noProxy = noProxy == null ? "" : noProxy;
    }

    /** One proxy for http and https. */
    public static Proxy of(String proxyUrl, String noProxy) {
        return new Proxy(proxyUrl, proxyUrl, noProxy);
    }

    static Proxy parse(OptionReader r) {
        Proxy p = new Proxy(r.string("http_proxy", ""), r.string("https_proxy", ""), r.string("no_proxy", ""));
        checkUrl(r, "http_proxy", p.httpProxy);
        checkUrl(r, "https_proxy", p.httpsProxy);
        return p;
    }

    private static void checkUrl(OptionReader r, String key, String value) {
        if (value.isEmpty()) {
            return;
        }
        try {
            URI u = new URI(value);
            if (u.getScheme() == null || u.getHost() == null) {
                throw r.fail(key, "must be a URL like http://proxy.example.org:3128");
            }
        } catch (java.net.URISyntaxException e) {
            throw r.fail(key, "must be a URL like http://proxy.example.org:3128 (" + e.getReason() + ")");
        }
    }

    void putInto(Map<String, Object> options) {
        if (!httpProxy.isEmpty()) {
            options.put("http_proxy", httpProxy);
        }
        if (!httpsProxy.isEmpty() && !httpsProxy.equals(httpProxy)) {
            options.put("https_proxy", httpsProxy);
        }
        if (!noProxy.isEmpty()) {
            options.put("no_proxy", noProxy);
        }
    }

    /** Shell lines exporting the proxy variables, in both spellings (curl reads lower case, others upper). */
    String shellExports() {
        List<String> lines = new ArrayList<>();
        if (!httpProxy.isEmpty()) {
            lines.add("export http_proxy=" + ShellQuote.quote(httpProxy) + " HTTP_PROXY=" + ShellQuote.quote(httpProxy));
        }
        if (!httpsProxy.isEmpty()) {
            lines.add("export https_proxy=" + ShellQuote.quote(httpsProxy) + " HTTPS_PROXY=" + ShellQuote.quote(httpsProxy));
        }
        if (!noProxy.isEmpty()) {
            lines.add("export no_proxy=" + ShellQuote.quote(noProxy) + " NO_PROXY=" + ShellQuote.quote(noProxy));
        }
        return lines.isEmpty() ? "# no proxy configured" : String.join("\n", lines);
    }

    /** The passwords in the proxy URLs ({@code http://user:pass@host}), to be masked in logs. */
    List<String> passwords() {
        List<String> out = new ArrayList<>();
        for (String url : List.of(httpProxy, httpsProxy)) {
            int at = url.lastIndexOf('@');
            int scheme = url.indexOf("://");
            if (at > 0 && scheme > 0 && at > scheme) {
                String userInfo = url.substring(scheme + 3, at);
                int colon = userInfo.indexOf(':');
                if (colon >= 0 && colon < userInfo.length() - 1 && !out.contains(userInfo.substring(colon + 1))) {
                    out.add(userInfo.substring(colon + 1));
                }
            }
        }
        return out;
    }
}
