package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written. snakeyaml's constructed objects lose their marks, so the
 * loaders walk this small tree instead and every error or warning can name its file and line.
 */
public sealed interface YNode permits YNode.YMap, YNode.YSeq, YNode.YScalar {

    Location location();

    /** A scalar as written (no type conversion). {@code blockStart} is the line its text starts on. */
    record YScalar(String text, Location location, boolean isNull) implements YNode {
        public static YScalar of(String text, Location location) {
            return new YScalar(text, location, false);
        }
    }

    record YSeq(List<YNode> items, Location location) implements YNode {
        public YSeq {
            items = List.copyOf(items);
        }
    }

    /** A mapping in source order; keys are scalars. */
    record YMap(Map<String, Entry> entries, Location location) implements YNode {
        public YMap {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public YNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        /** A copy with {@code key} set to {@code value} (added last when new). */
        public YMap with(String key, YNode value) {
            Map<String, Entry> m = new LinkedHashMap<>(entries);
            Entry old = m.get(key);
            m.put(key, new Entry(key, old != null ? old.keyLocation() : value.location(), value));
            return new YMap(m, location);
        }

        public YMap without(String key) {
            Map<String, Entry> m = new LinkedHashMap<>(entries);
            m.remove(key);
            return new YMap(m, location);
        }
    }

    record Entry(String key, Location keyLocation, YNode value) {}

    static boolean isNull(YNode n) {
        return n == null || n instanceof YScalar s && s.isNull();
    }
}
