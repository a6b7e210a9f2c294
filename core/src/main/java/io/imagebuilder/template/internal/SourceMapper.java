package io.imagebuilder.template.internal;

import io.imagebuilder.template.Checksum;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.Source.Boot;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads {@code source:} and {@code boot:}. Without a source, an image that extends another starts on its disk. */
final class SourceMapper {

    static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    private static final List<String> KINDS = List.of("iso", "kernel", "disk", "bootstrap");

    private SourceMapper() {}

    static Source read(Section top, Optional<String> parent) {
        Boot boot = top.section("boot").map(SourceMapper::boot).orElse(Boot.none());
        Optional<Section> src = top.section("source");
        if (src.isEmpty()) {
            if (boot.hasCommand()) {
                top.ctx().problems().warn(top.location("boot"), "boot is ignored: without a source the image"
                        + " starts from its parent's built disk");
            }
            if (parent.isEmpty()) {
                top.ctx().problems().error(top.location(), "no source: give source (iso, kernel, disk or bootstrap)"
                        + " or extends");
            }
            return new Source.Parent(parent.orElse("unknown"));
        }
        Section s = src.get();
        List<String> given = KINDS.stream().filter(s::has).toList();
        if (given.size() != 1) {
            s.ctx().problems().error(s.location(), "source needs exactly one of " + String.join(", ", KINDS)
                    + (given.isEmpty() ? "" : ", found " + String.join(" and ", given)));
            s.done();
            return new Source.Parent(parent.orElse("unknown"));
        }
        Section body = s.section(given.get(0)).orElseThrow();
        Source result = switch (given.get(0)) {
            case "iso" -> iso(body, boot);
            case "kernel" -> kernel(body, boot);
            case "disk" -> disk(body, boot);
            default -> bootstrap(body);
        };
        body.done();
        s.done();
        return result;
    }

    private static Source.Iso iso(Section s, Boot boot) {
        return new Source.Iso(location(s, "url", "ISO"), checksum(s), boot);
    }

    private static Source.Kernel kernel(Section s, Boot boot) {
        Path kernel = required(s, "kernel") ? s.path("kernel", "kernel").orElseThrow() : Path.of("");
        Path initrd = required(s, "initrd") ? s.path("initrd", "initrd").orElseThrow() : Path.of("");
        Optional<Source.DiskImage> disk = s.section("disk").map(d -> {
            Source.DiskImage image = disk(d, Boot.none());
            d.done();
            return image;
        });
        return new Source.Kernel(kernel, initrd, s.string("cmdline", ""), disk, boot);
    }

    private static Source.DiskImage disk(Section s, Boot boot) {
        return new Source.DiskImage(location(s, "image", "disk image"), checksum(s),
                s.parsed("overlay", false, Values::bool), boot);
    }

    private static Source.Bootstrap bootstrap(Section s) {
        required(s, "suite");
        List<String> packages = s.strings("packages");
        for (String p : packages) {
            if (!p.matches("[a-z0-9][a-z0-9+.-]*(:[a-z0-9]+)?(=[A-Za-z0-9.+:~-]+)?")) {
                s.error("packages", "'" + p + "' is not a Debian package name (name, name:arch or name=version)");
            }
        }
        return new Source.Bootstrap(s.string("suite", ""), s.string("mirror", DEFAULT_MIRROR), s.string("proxy"),
                packages);
    }

    /** Packer's checksum forms, checked now; a local {@code file:} list is made absolute and must exist. */
    private static Optional<Checksum> checksum(Section s) {
        Optional<Checksum> parsed = s.parsed("checksum", Optional.empty(), Checksum::parse);
        if (parsed.orElse(null) instanceof Checksum.SumsFile sums && !Values.isUrl(sums.location())) {
            Path list = s.resolve(s.node("checksum"), sums.location(), "checksum file", true);
            return Optional.of(new Checksum.SumsFile(list.toString()));
        }
        return parsed;
    }

    /** A URL stays as written; a local file is made absolute and must exist. */
    private static String location(Section s, String key, String kind) {
        if (!required(s, key)) {
            return "";
        }
        String text = s.string(key).orElseThrow();
        if (Values.isUrl(text)) {
            return text;
        }
        return s.path(key, kind).orElseThrow().toString();
    }

    private static boolean required(Section s, String key) {
        if (!s.has(key)) {
            s.error(key, "missing '" + key + "'");
            return false;
        }
        return true;
    }

    private static Boot boot(Section s) {
        YNode cmd = s.node("command");
        String command = "";
        if (cmd instanceof YSeq seq) {
            // Packer types the list items one after another, so they are joined without separator
            command = seq.items().stream().map(n -> s.ctx().text(n, "command").text()).collect(Collectors.joining());
        } else if (cmd != null) {
            command = s.ctx().text(cmd, "command").text();
        }
        Duration wait = s.parsed("wait", command.isBlank() ? Duration.ZERO : Boot.PACKER_BOOT_WAIT, Values::duration);
        Duration interval = s.parsed("key_interval", Boot.PACKER_KEY_INTERVAL, Values::duration);
        s.done();
        return new Boot(command, wait, interval);
    }
}
