package io.imagebuilder.template.internal;

import io.imagebuilder.template.TemplateException;
import io.imagebuilder.template.internal.YNode.Entry;
import io.imagebuilder.template.internal.YNode.YMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Follows {@code extends} and merges what a child inherits from its parent. */
final class Chains {

    /** Sections a child inherits key by key; the rest (source, boot, http, provisioners, ...) are its own. */
    static final Set<String> INHERITED = Set.of("machine", "ssh", "shutdown", "output", "publish");

    private Chains() {}

    /**
     * The chain ending in {@code target}, parents first.
     *
     * @param lookup an image by name, or null when there is none; {@code describe} says where it was looked for
     */
    static List<RawImage> resolve(RawImage target, Function<String, RawImage> lookup,
                                  Function<String, String> describe) {
        List<RawImage> chain = new ArrayList<>();
        List<String> names = new ArrayList<>();
        RawImage current = target;
        while (true) {
            if (names.contains(current.name())) {
                names.add(current.name());
                throw new TemplateException(chain.get(chain.size() - 1).extendsAt(),
                        "cyclic extends: " + String.join(" -> ", names));
            }
            chain.add(current);
            names.add(current.name());
            if (current.parent().isEmpty()) {
                break;
            }
            String parent = current.parent().get();
            RawImage next = lookup.apply(parent);
            if (next == null) {
                throw new TemplateException(current.extendsAt(),
                        "extends '" + parent + "', which does not exist (" + describe.apply(parent) + ")");
            }
            current = next;
        }
        Collections.reverse(chain);
        return chain;
    }

    /** The child's tree with the inherited sections of the parent's (already merged) tree beneath it. */
    static YMap inherit(YMap parent, YMap child) {
        YMap out = child;
        for (String section : INHERITED) {
            YNode p = parent.get(section);
            if (!YNode.isNull(p)) {
                YNode c = child.get(section);
                out = out.with(section, YNode.isNull(c) ? p : merge(p, c));
            }
        }
        return out;
    }

    /** Mappings merge key by key (the child wins); anything else the child replaces. */
    private static YNode merge(YNode parent, YNode child) {
        if (!(parent instanceof YMap p) || !(child instanceof YMap c)) {
            return child;
        }
        Map<String, Entry> out = new LinkedHashMap<>(p.entries());
        c.entries().forEach((k, e) -> {
            Entry old = out.get(k);
            out.put(k, old == null ? e : new Entry(k, e.keyLocation(), merge(old.value(), e.value())));
        });
        return new YMap(out, c.location());
    }
}
