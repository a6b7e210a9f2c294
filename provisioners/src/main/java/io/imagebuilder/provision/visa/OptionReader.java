package io.imagebuilder.provision.visa;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.TemplateException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a provisioner's YAML options into typed values. Every error names the template location, the provisioner
 * type and the option; {@link #finish()} rejects options nobody asked for (typos must not be ignored).
 */
final class OptionReader {

    private final Location location;
    private final String type;
    private final Map<String, Object> options;
    private final Set<String> read = new HashSet<>();

    OptionReader(ProvisionerSpec.Custom spec) {
        this.location = spec.location();
        this.type = spec.type();
        this.options = spec.options();
    }

    Location location() {
        return location;
    }

    boolean has(String key) {
        read.add(key);
        return options.get(key) != null;
    }

    Optional<String> optionalString(String key) {
        read.add(key);
        Object v = options.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return Optional.of(v.toString());
        }
        throw fail(key, "must be a string, got " + describe(v));
    }

    String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    /** An absolute path in the guest, of plain characters: it goes into shell scripts. */
    String guestPath(String key, String defaultValue) {
        String value = string(key, defaultValue);
        if (!value.matches("/[A-Za-z0-9_./-]*")) {
            throw fail(key, "must be an absolute path without spaces, got '" + value + "'");
        }
        return value;
    }

    String requiredString(String key) {
        String s = optionalString(key).orElseThrow(() -> fail(key, "is required"));
        if (s.isBlank()) {
            throw fail(key, "must not be empty");
        }
        return s;
    }

    int integer(String key, int defaultValue, int min, int max) {
        read.add(key);
        Object v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        int value;
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            value = (int) ((Number) v).longValue();
        } else if (v instanceof String s && s.trim().matches("-?\\d{1,9}")) {
            value = Integer.parseInt(s.trim()); // a substituted variable arrives as text
        } else {
            throw fail(key, "must be an integer, got " + describe(v));
        }
        if (value < min || value > max) {
            throw fail(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    boolean bool(String key, boolean defaultValue) {
        read.add(key);
        Object v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw fail(key, "must be true or false, got " + describe(v));
    }

    /** A list of strings; a single string is accepted as a one-element list. */
    List<String> stringList(String key, List<String> defaultValue) {
        read.add(key);
        Object v = options.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (!(v instanceof List<?> list)) {
            throw fail(key, "must be a list of strings, got " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (!(e instanceof String || e instanceof Number)) {
                throw fail(key, "item " + (i + 1) + " must be a string, got " + describe(e));
            }
            out.add(e.toString());
        }
        return List.copyOf(out);
    }

    /** A list of mappings from string keys to string values, e.g. {@code [{url: ..., sha256: ...}]}. */
    List<Map<String, String>> mapList(String key) {
        read.add(key);
        Object v = options.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw fail(key, "must be a list of mappings, got " + describe(v));
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw fail(key, "item " + (i + 1) + " must be a mapping, got " + describe(list.get(i)));
            }
            Map<String, String> item = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String || e.getValue() instanceof Number)) {
                    throw fail(key, "item " + (i + 1) + ": '" + e.getKey() + "' must be a string, got "
                            + describe(e.getValue()));
                }
                item.put(String.valueOf(e.getKey()), e.getValue().toString());
            }
            out.add(item);
        }
        return List.copyOf(out);
    }

    /** A local path; relative paths are resolved against the template's folder (like Packer's file sources). */
    Optional<Path> optionalPath(String key) {
        return optionalString(key).map(this::resolve);
    }

    Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || location.file() == null || location.file().getParent() == null) {
            return p;
        }
        return location.file().getParent().resolve(p).normalize();
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.toString().equals(s.get())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.toString());
        }
        throw fail(key, "must be one of " + String.join(", ", names) + ", got '" + s.get() + "'");
    }

    TemplateException fail(String key, String message) {
        return new TemplateException(location, type + ": option '" + key + "' " + message);
    }

    /** Fails when the template set an option this provisioner does not know. */
    void finish() {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>(new TreeSet<>(read));
            throw new TemplateException(location, type + ": unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")");
        }
    }

    private static String describe(Object v) {
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return v.getClass().getSimpleName().toLowerCase() + " '" + v + "'";
    }
}
