package io.imagebuilder.template.internal;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.internal.YNode.Entry;
import io.imagebuilder.template.internal.YNode.YMap;
import io.imagebuilder.template.internal.YNode.YScalar;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a packme manifest's {@code packer:} section (Packer's legacy JSON as YAML, one qemu builder) into our
 * layout's shape, keeping every value's node so messages still point at the manifest's lines.
 */
final class PackmeTranslator {

    /** Packer qemu builder key to {section, key} in our layout. */
    private static final Map<String, String[]> BUILDER_KEYS = Map.ofEntries(
            Map.entry("boot_command", new String[] {"boot", "command"}),
            Map.entry("boot_wait", new String[] {"boot", "wait"}),
            Map.entry("boot_key_interval", new String[] {"boot", "key_interval"}),
            Map.entry("http_directory", new String[] {"http", "directory"}),
            Map.entry("ssh_username", new String[] {"ssh", "username"}),
            Map.entry("ssh_password", new String[] {"ssh", "password"}),
            Map.entry("ssh_timeout", new String[] {"ssh", "timeout"}),
            Map.entry("ssh_wait_timeout", new String[] {"ssh", "timeout"}),
            Map.entry("ssh_port", new String[] {"ssh", "port"}),
            Map.entry("ssh_private_key_file", new String[] {"ssh", "private_key"}),
            Map.entry("shutdown_command", new String[] {"shutdown", "command"}),
            Map.entry("shutdown_timeout", new String[] {"shutdown", "timeout"}),
            Map.entry("memory", new String[] {"machine", "memory"}),
            Map.entry("cpus", new String[] {"machine", "cpus"}),
            Map.entry("disk_size", new String[] {"machine", "disk_size"}),
            Map.entry("accelerator", new String[] {"machine", "accelerator"}),
            Map.entry("headless", new String[] {"machine", "headless"}),
            Map.entry("qemuargs", new String[] {"machine", "qemu_args"}),
            Map.entry("format", new String[] {"output", "format"}),
            Map.entry("disk_compression", new String[] {"output", "compression"}));
    /** Keys read for the source, or known and without effect here (the output folder is ours to choose). */
    private static final Set<String> OTHER_KEYS = Set.of("name", "type", "iso_url", "iso_checksum", "disk_image",
            "use_backing_file", "skip_compaction", "vm_name", "output_directory");

    private PackmeTranslator() {}

    /** The manifest's {@code packer:} section; warns about other top-level keys. */
    static YMap packerSection(YMap manifest, Problems problems) {
        manifest.entries().forEach((k, e) -> {
            if (!k.equals("parameters") && !k.equals("packer")) {
                problems.warn(e.keyLocation(), "unknown key '" + k + "' in manifest (ignored)");
            }
        });
        YNode packer = manifest.get("packer");
        if (packer instanceof YMap m) {
            return m;
        }
        problems.error(YNode.isNull(packer) ? manifest.location() : packer.location(),
                "the manifest needs a 'packer:' section with builders");
        return new YMap(Map.of(), manifest.location());
    }

    static YMap translate(YMap packer, boolean hasParent, Problems problems) {
        Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();
        Map<String, Entry> top = new LinkedHashMap<>();
        packer.entries().forEach((k, e) -> {
            switch (k) {
                case "description", "provisioners" -> top.put(k, e);
                case "variables", "builders" -> { }
                case "post-processors" -> problems.warn(e.keyLocation(),
                        "post-processors are ignored: publish with the 'publish' settings instead");
                default -> problems.warn(e.keyLocation(), "unknown key '" + k + "' in packer section (ignored)");
            }
        });
        YMap builder = qemuBuilder(packer, problems);
        builder.entries().forEach((k, e) -> {
            String[] target = BUILDER_KEYS.get(k);
            if (target != null) {
                sections.computeIfAbsent(target[0], s -> new LinkedHashMap<>())
                        .put(target[1], new Entry(target[1], e.keyLocation(), e.value()));
            } else if (!OTHER_KEYS.contains(k)) {
                problems.warn(e.keyLocation(), "unknown key '" + k + "' in qemu builder (ignored)");
            }
        });
        YNode skip = builder.get("skip_compaction");
        if (skip instanceof YScalar s && !s.isNull()) {
            // Packer says skip_compaction, we say compact: invert literal booleans, leave anything else to fail
            String inverted = isTrue(s) ? "false" : s.text().equalsIgnoreCase("false") ? "true" : s.text();
            sections.computeIfAbsent("output", x -> new LinkedHashMap<>())
                    .put("compact", new Entry("compact", s.location(), YScalar.of(inverted, s.location())));
        }
        if (!builder.entries().isEmpty()) { // no qemu builder is reported already
            source(builder, hasParent, problems).ifPresent(src -> top.put("source", src));
        }
        sections.forEach((name, entries) ->
                top.put(name, new Entry(name, builder.location(), new YMap(entries, builder.location()))));
        return new YMap(top, packer.location());
    }

    private static YMap qemuBuilder(YMap packer, Problems problems) {
        YNode builders = packer.get("builders");
        List<YNode> items = builders instanceof YSeq seq ? seq.items() : List.of();
        YMap found = null;
        for (YNode b : items) {
            YNode type = b instanceof YMap m ? m.get("type") : null;
            if (!(type instanceof YScalar t) || !t.text().equals("qemu")) {
                problems.warn(b.location(), "only qemu builders are used; this one is ignored");
            } else if (found != null) {
                problems.warn(b.location(), "only the first qemu builder is used; this one is ignored");
            } else {
                found = (YMap) b;
            }
        }
        if (found == null) {
            problems.error(builders == null ? packer.location() : builders.location(),
                    "no builder of type qemu in the packer section");
            return new YMap(Map.of(), packer.location());
        }
        return found;
    }

    /** iso_url is an installer, or with disk_image a disk; disk_image without iso_url is the parent's disk. */
    private static java.util.Optional<Entry> source(YMap b, boolean hasParent, Problems problems) {
        YNode url = b.get("iso_url");
        YNode diskImage = b.get("disk_image");
        boolean disk = diskImage instanceof YScalar s && isTrue(s);
        Location at = diskImage != null ? diskImage.location() : b.location();
        Map<String, Entry> body = new LinkedHashMap<>();
        if (YNode.isNull(url)) {
            if (!(disk && hasParent)) {
                problems.error(at, disk ? "disk_image without iso_url needs 'extends' in config.yml"
                        : "the qemu builder needs iso_url");
            }
            return java.util.Optional.empty();
        }
        String key = disk ? "image" : "url";
        body.put(key, new Entry(key, url.location(), url));
        YNode checksum = b.get("iso_checksum");
        if (!YNode.isNull(checksum)) {
            body.put("checksum", new Entry("checksum", checksum.location(), checksum));
        }
        YNode backing = b.get("use_backing_file");
        if (disk && !YNode.isNull(backing)) {
            body.put("overlay", new Entry("overlay", backing.location(), backing));
        }
        String kind = disk ? "disk" : "iso";
        YMap source = new YMap(Map.of(kind, new Entry(kind, at, new YMap(body, url.location()))), url.location());
        return java.util.Optional.of(new Entry("source", url.location(), source));
    }

    private static boolean isTrue(YScalar s) {
        return List.of("true", "yes", "on").contains(s.text().trim().toLowerCase(java.util.Locale.ROOT));
    }
}
