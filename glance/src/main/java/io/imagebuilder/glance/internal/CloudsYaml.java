package io.imagebuilder.glance.internal;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One cloud of a clouds.yaml, with what the secure.yaml beside it (or the first one found) adds, as the
 * openstack CLI merges them: flat keys ({@code auth.username}, {@code region_name}, {@code verify}).
 */
public final class CloudsYaml {

    private CloudsYaml() {
    }

    /**
     * The cloud's values, the secure file's over the clouds file's.
     *
     * @param secureFiles where a secure.yaml may be, first found wins (none: no secrets file)
     */
    public static Map<String, String> cloud(Path file, String cloudName, List<Path> secureFiles) {
        Map<?, ?> cloud = entry(file, cloudName).orElseThrow(() -> new IllegalArgumentException(
                file + " has no cloud '" + cloudName + "' under 'clouds:'"));
        Map<String, String> values = new LinkedHashMap<>();
        flatten("", cloud, values);
        for (Path secure : secureFiles) {
            if (Files.isRegularFile(secure)) {
                entry(secure, cloudName).ifPresent(s -> flatten("", s, values));
                break;
            }
        }
        return values;
    }

    private static Optional<Map<?, ?>> entry(Path file, String cloudName) {
        Object root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (MarkedYAMLException e) { // its message quotes the line, which may hold a password
            throw new IllegalArgumentException(file + (e.getProblemMark() != null ? " line "
                    + (e.getProblemMark().getLine() + 1) : "") + ": not valid YAML (" + e.getProblem() + ")");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return map(map(root).get("clouds")).entrySet().stream()
                .filter(e -> cloudName.equals(String.valueOf(e.getKey()))).map(e -> map(e.getValue()))
                .findFirst().map(m -> (Map<?, ?>) m);
    }

    private static void flatten(String prefix, Map<?, ?> from, Map<String, String> into) {
        from.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                flatten(prefix + k + ".", m, into);
            } else if (v != null && !(v instanceof List) && !String.valueOf(v).isBlank()) {
                into.put(prefix + k, String.valueOf(v));
            }
        });
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }
}
