package io.imagebuilder.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unmodifiable copies that keep the order the template wrote. {@code Map.copyOf} would not: its iteration order
 * changes from one JVM to the next, and the model's text (which the build cache digests) must not.
 */
final class OrderedMaps {

    private OrderedMaps() {
    }

    static <K, V> Map<K, V> copyOf(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
