package io.imagebuilder.template.internal;

import io.imagebuilder.template.Secret;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.util.AbstractList;
import java.util.AbstractMap;
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

    private final List<Map<String, YNode>> layers; // lowest first
    private final Map<String, YNode> defaults;
    private final Map<String, String> environment;
    private final Map<String, String> explicit;
    private final Problems problems;
    private final Renderer renderer;
    private final Map<String, Optional<Object>> resolved = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();
    private final Set<String> used = new LinkedHashSet<>();

    public VariableScope(List<Map<String, YNode>> layersLowestFirst, Map<String, String> environment,
                         Map<String, String> explicit, Problems problems) {
        this(Map.of(), layersLowestFirst, environment, explicit, problems);
    }

    /** @param defaults used where nothing else defines a name; listed only where a template uses them */
    public VariableScope(Map<String, YNode> defaults, List<Map<String, YNode>> layersLowestFirst,
                         Map<String, String> environment, Map<String, String> explicit, Problems problems) {
        this.defaults = defaults;
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
        return resolve(name).map(Object::toString);
    }

    /** The value as Jinja sees it: a list written in a file stays a list (printed as its items joined by spaces). */
    @Override
    public Optional<Object> object(String name) {
        Optional<Object> v = resolve(name);
        if (v.isEmpty() && SCOPES.contains(name)) {
            used.remove(name);
            return Optional.of(new ScopeMap());
        }
        return v;
    }

    /**
     * packme's older form of a value, {@code {{ parameters.disk_size }}} or {@code {{ environment.HOME }}}: the
     * same scope, read as a mapping.
     */
    private static final Set<String> SCOPES = Set.of("parameters", "environment");

    private final class ScopeMap extends AbstractMap<String, Object> {
        @Override
        public Object get(Object key) {
            return key instanceof String k ? resolve(k).orElse(null) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            Map<String, Object> all = new TreeMap<>();
            names().forEach(n -> resolve(n).ifPresent(v -> all.put(n, v)));
            return all.entrySet();
        }
    }

    private Optional<Object> resolve(String name) {
        used.add(name);
        Optional<Object> done = resolved.get(name);
        if (done != null) {
            return done;
        }
        Optional<Object> v = compute(name);
        resolved.put(name, v);
        return v;
    }

    private Optional<Object> compute(String name) {
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
        YNode raw = written(name);
        if (raw == null) {
            return Optional.empty();
        }
        if (!resolving.add(name)) {
            problems.error(raw.location(), "variable '" + name + "' refers to itself");
            return Optional.of(raw instanceof YScalar s ? s.text() : "");
        }
        try {
            if (raw instanceof YScalar s) {
                return Optional.of(renderer.render(s.text(), s.location(), problems));
            }
            List<String> items = new ArrayList<>();
            for (YNode item : ((YSeq) raw).items()) {
                YScalar s = (YScalar) item;
                items.add(renderer.render(s.text(), s.location(), problems));
            }
            return Optional.of(new Words(items));
        } finally {
            resolving.remove(name);
        }
    }

    private YNode written(String name) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            YNode v = layers.get(i).get(name);
            if (v != null) {
                return v;
            }
        }
        return defaults.get(name);
    }

    /** A list variable: Jinja iterates and joins it; printed as text it is its items joined by spaces. */
    private static final class Words extends AbstractList<String> {
        private final List<String> items;

        Words(List<String> items) {
            this.items = List.copyOf(items);
        }

        @Override
        public String get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public String toString() {
            return String.join(" ", items);
        }
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

    /** The values of the secret variables among those written or used, and the passwords in proxy URLs. */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        for (String n : names()) {
            if (isSecretName(n)) {
                value(n).filter(v -> !v.isEmpty()).map(Secret::of).ifPresent(out::add);
            } else if (n.toLowerCase(Locale.ROOT).contains("proxy")) {
                value(n).flatMap(VariableScope::urlPassword).map(Secret::of).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The password of {@code http://user:password@host:port}, if the value is such a URL. */
    static Optional<String> urlPassword(String value) {
        java.util.regex.Matcher m = URL_PASSWORD.matcher(value);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static final java.util.regex.Pattern URL_PASSWORD =
            java.util.regex.Pattern.compile("://[^:/@\\s]+:([^@/\\s]+)@");

    /** The names the templates write or use; a value given for a name nobody uses is not among them. */
    private Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        layers.forEach(l -> names.addAll(l.keySet()));
        names.addAll(used);
        return names;
    }
}
