package io.imagebuilder.template.internal;

import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec.Common;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.YMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code provisioners:}. Each item is either {@code - shell: {...}} (our layout) or Packer's
 * {@code - type: shell} with the options beside it (packme). Types beyond shell and file come from
 * {@link ProvisionerKind}s, which check their options now, before any VM starts.
 */
final class ProvisionerMapper {

    private static final Set<String> COMMON = Set.of("pause_before", "max_retries", "timeout");

    private final Map<String, ProvisionerKind> kinds;

    ProvisionerMapper(Map<String, ProvisionerKind> kinds) {
        this.kinds = kinds;
    }

    List<ProvisionerSpec> read(Section top) {
        List<ProvisionerSpec> out = new ArrayList<>();
        List<YNode> items = top.list("provisioners");
        for (int i = 0; i < items.size(); i++) {
            one(items.get(i), i + 1, top.ctx()).ifPresent(out::add);
        }
        return out;
    }

    private Optional<ProvisionerSpec> one(YNode item, int position, Section.Ctx ctx) {
        if (!(item instanceof YMap map) || map.entries().isEmpty()) {
            ctx.problems().error(item.location(), "a provisioner must be '- shell: {...}' or '- type: shell ...'");
            return Optional.empty();
        }
        String type;
        Section body;
        if (map.entries().containsKey("type")) {
            Section.Rendered t = ctx.text(map.get("type"), "type");
            type = t.text();
            body = new Section(map, "provisioner " + type, ctx);
            body.node("type");
        } else if (map.entries().size() == 1) {
            type = map.entries().keySet().iterator().next();
            YNode options = map.get(type);
            body = YNode.isNull(options) ? new Section(new YMap(Map.of(), map.location()), type, ctx)
                    : Section.of(options, "provisioner " + type, ctx);
        } else {
            ctx.problems().error(map.location(), "a provisioner needs 'type:' or a single key naming its type");
            return Optional.empty();
        }
        String name = type + "[" + position + "]";
        Common common = common(body);
        Optional<ProvisionerSpec> spec = switch (type) {
            case "shell" -> Optional.of(shell(body, map.location(), name, common));
            case "file" -> Optional.of(file(body, map.location(), name, common));
            default -> custom(body, type, map.location(), common);
        };
        body.done();
        return spec;
    }

    private static Common common(Section s) {
        Duration pause = s.parsed("pause_before", Duration.ZERO, Values::duration);
        int retries = s.parsed("max_retries", 0, Values::integer);
        Optional<Duration> timeout = Optional.ofNullable(s.parsed("timeout", null, Values::duration));
        return new Common(pause, retries, timeout);
    }

    private static ProvisionerSpec shell(Section s, Location at, String name, Common common) {
        List<String> inline = s.strings("inline");
        List<Path> scripts = new ArrayList<>();
        for (String key : List.of("script", "scripts")) {
            s.list(key).forEach(n -> scripts.add(s.path(n, key, "script")));
        }
        if (inline.isEmpty() && scripts.isEmpty()) {
            s.ctx().problems().error(at, name + ": a shell provisioner needs inline, script or scripts");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : List.of("environment", "environment_vars")) {
            YNode n = s.node(key);
            if (n instanceof YMap m) {
                Section e = new Section(m, key, s.ctx());
                m.entries().keySet().forEach(k -> env.put(k, e.string(k, "")));
            } else if (n != null) {
                for (String kv : s.strings(key)) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        s.error(key, name + ": environment entry '" + kv + "' is not NAME=value");
                    } else {
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
        }
        env.keySet().stream().filter(k -> !k.matches("[A-Za-z_][A-Za-z0-9_]*")).forEach(k ->
                s.error("environment", name + ": '" + k + "' is not a shell variable name"));
        return new ProvisionerSpec.Shell(at, name, inline, scripts, env,
                s.string("execute_command", ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND),
                s.parsed("expect_disconnect", false, Values::bool), common);
    }

    private static ProvisionerSpec file(Section s, Location at, String name, Common common) {
        if (!s.has("source") || !s.has("destination")) {
            s.ctx().problems().error(at, name + ": a file provisioner needs source and destination");
        }
        String raw = s.string("source", "");
        Path source = s.path("source", "file").orElse(s.ctx().baseDir());
        Path real = realPath(source);
        if (s.has("source") && !real.startsWith(realPath(s.ctx().repository()))) {
            s.ctx().problems().warn(at, name + ": source " + real + " is outside the template repository "
                    + s.ctx().repository() + "; it is uploaded from this host as it is now");
        }
        // Packer: "dir/" uploads the folder's contents, "dir" the folder itself
        boolean contentsOnly = raw.endsWith("/") && Files.isDirectory(source);
        Map<String, String> rendered = s.ctx().packme().map(tlt -> tlt.renderedUnder(source, s.ctx().problems()))
                .orElse(Map.of());
        return new ProvisionerSpec.FileUpload(at, name, source, s.string("destination", ""), contentsOnly, common,
                rendered);
    }

    /** Where a path really is (a link inside the tree may lead out of it); as written when it does not exist. */
    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private Optional<ProvisionerSpec> custom(Section s, String type, Location at, Common common) {
        ProvisionerKind kind = kinds.get(type);
        if (kind == null) {
            Set<String> known = new TreeSet<>(kinds.keySet());
            known.add("shell");
            known.add("file");
            s.ctx().problems().error(at, "unknown provisioner type '" + type + "' (known: "
                    + String.join(", ", known) + ")");
            return Optional.empty();
        }
        Map<String, Object> options = new LinkedHashMap<>();
        for (String key : s.keys()) {
            if (!COMMON.contains(key) && !key.equals("type") && s.has(key)) {
                options.put(key, s.ctx().plain(s.node(key), key));
            }
        }
        ProvisionerSpec.Custom spec = new ProvisionerSpec.Custom(at, type, type, options, common);
        try {
            kind.validate(spec);
            for (Path p : kind.localFiles(spec)) {
                if (!Files.exists(p)) {
                    s.ctx().problems().error(at, type + ": file not found: " + p);
                }
            }
        } catch (TemplateException e) {
            s.ctx().problems().add(e);
        }
        return Optional.of(spec);
    }
}
