package io.imagebuilder.template.internal;

import io.imagebuilder.template.TemplateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code *.tlt} files of a VISA site's packme tree, which the site's build script renders with sed before
 * packme runs ({@code environment.yml.tlt}, {@code system/etc/environment.tlt}): {@code {http_proxy}} and
 * {@code {https_proxy}} become the proxy (-hp), {@code {no_proxy}} the hosts without it (-np, else
 * {@code localhost}). A file that names a proxy is empty when there is none, as the script leaves it, except
 * {@code environment.yml}, whose proxy values are then empty. Rendered in memory for the build, never written
 * into the user's tree; a rendered file the tree already has wins.
 *
 * @param proxy   the proxy, empty for none
 * @param noProxy the hosts reached without it, empty when not given
 */
record TltFiles(String proxy, String noProxy) {

    static final String SUFFIX = ".tlt";

    /** From the values the user gave (--var, -hp/-np or their environment variables); none is no proxy. */
    static TltFiles of(Map<String, String> explicit, Map<String, String> environment) {
        String proxy = first(explicit.get("http_proxy"), explicit.get("proxy"),
                environment.get(VariableScope.ENV_PREFIX + "HTTP_PROXY"));
        String noProxy = first(explicit.get("no_proxy"), environment.get(VariableScope.ENV_PREFIX + "NO_PROXY_HOSTS"));
        return new TltFiles(proxy, noProxy);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    /** {@code file} rendered; {@code keepWithoutProxy}: an environment.yml, never emptied. */
    String render(String text, boolean keepWithoutProxy) {
        boolean namesProxy = text.contains("{http_proxy}") || text.contains("{https_proxy}");
        if (proxy.isEmpty() && namesProxy && !keepWithoutProxy) {
            return "";
        }
        return text.replace("{http_proxy}", proxy).replace("{https_proxy}", proxy)
                .replace("{no_proxy}", noProxy.isEmpty() ? "localhost" : noProxy);
    }

    /**
     * The files under {@code dir} that exist only as {@code NAME.tlt}, rendered: path relative to {@code dir}
     * without the suffix, to content.
     */
    Map<String, String> renderedUnder(Path dir, Problems problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> templates;
        try (Stream<Path> walk = Files.walk(dir)) {
            templates = walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(SUFFIX))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path tlt : templates) {
            String name = tlt.getFileName().toString();
            Path rendered = tlt.resolveSibling(name.substring(0, name.length() - SUFFIX.length()));
            if (!Files.exists(rendered)) {
                try {
                    out.put(dir.relativize(rendered).toString().replace('\\', '/'),
                            render(YamlReader.readText(tlt), false));
                } catch (TemplateException e) {
                    problems.add(e);
                }
            }
        }
        return out;
    }
}
