package io.imagebuilder.template.internal;

import io.imagebuilder.template.Secret;
import io.imagebuilder.template.internal.YNode.YScalar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The variables one image sees, lowest to highest precedence: the parents' defaults, its own defaults, the
 * environment files (parents' then its own, then --var-file files), environment variables ({@code VISA_NAME}
 * for {@code name}, or the exact name), explicit values. Values written in files may use other variables.
 */
public final class VariableScope implements Renderer.Vars {

    public static final String ENV_PREFIX = "VISA_";

    private final List<Map<String, YScalar>> layers; // lowest first
    private final Map<String, String> environment;
    private final Map<String, String> explicit;
    private final Problems problems;
    private final Renderer renderer;
    private final Map<String, Optional<String>> resolved = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();
    private final Set<String> used = new LinkedHashSet<>();

    public VariableScope(List<Map<String, YScalar>> layersLowestFirst, Map<String, String> environment,
                         Map<String, String> explicit, Problems problems) {
        this.layers = new ArrayList<>(layersLowestFirst);
        this.environment = environment;
        this.explicit = explicit;
        this.problems = problems;
        this.renderer = new Renderer(this, null);
    }

    /** Whether a variable of this name holds a secret (its value is masked wherever it is shown). */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token") || n.contains("key");
    }

    @Override
    public Optional<String> value(String name) {
        used.add(name);
        Optional<String> done = resolved.get(name);
        if (done != null) {
            return done;
        }
        Optional<String> v = compute(name);
        resolved.put(name, v);
        return v;
    }

    private Optional<String> compute(String name) {
        if (explicit.containsKey(name)) {
            return Optional.of(explicit.get(name));
        }
        String fromEnv = environment.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT));
        if (fromEnv == null) {
            fromEnv = environment.get(name);
        }
        if (fromEnv != null) {
            return Optional.of(fromEnv);
        }
        YScalar raw = written(name);
        if (raw == null) {
            return Optional.empty();
        }
        if (!resolving.add(name)) {
            problems.error(raw.location(), "variable '" + name + "' refers to itself");
            return Optional.of(raw.text());
        }
        try {
            return Optional.of(renderer.render(raw.text(), raw.location(), problems));
        } finally {
            resolving.remove(name);
        }
    }

    private YScalar written(String name) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            YScalar v = layers.get(i).get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Every variable written or used, with its value; secrets masked. For plan output and cache digests. */
    public Map<String, String> forModel() {
        Map<String, String> out = new TreeMap<>();
        for (String n : names()) {
            Optional<String> v = value(n);
            v.ifPresent(s -> out.put(n, isSecretName(n) ? Secret.MASK : s));
        }
        return new LinkedHashMap<>(out);
    }

    /** The values of the secret variables among those written or used. */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        for (String n : names()) {
            if (isSecretName(n)) {
                value(n).filter(v -> !v.isEmpty()).map(Secret::of).ifPresent(out::add);
            }
        }
        return out;
    }

    private Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        layers.forEach(l -> names.addAll(l.keySet()));
        names.addAll(explicit.keySet());
        names.addAll(used);
        return names;
    }
}
