package io.imagebuilder.template;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where the build VM's first disk comes from and how it boots. */
public sealed interface Source {

    /** Typed at the console after boot: Packer's boot command grammar, with a wait before and between keys. */
    record Boot(String command, Duration bootWait, Duration keyInterval) {
        public static final Duration PACKER_BOOT_WAIT = Duration.ofSeconds(10);
        public static final Duration PACKER_KEY_INTERVAL = Duration.ofMillis(100);

        public static Boot none() {
            return new Boot("", Duration.ZERO, PACKER_KEY_INTERVAL);
        }

        public boolean hasCommand() {
            return !command.isBlank();
        }
    }

    /** An installer ISO (local path or URL), attached as CD-ROM to a new empty disk. */
    record Iso(String url, Optional<Checksum> checksum, Boot boot) implements Source {}

    /**
     * Direct kernel boot (for example the Debian netboot installer). The disk is new and empty unless
     * {@code disk} names an existing image, which is then used as in {@link DiskImage}.
     */
    record Kernel(Path kernel, Path initrd, String commandLine, Optional<DiskImage> disk, Boot boot)
            implements Source {}

    /**
     * An existing disk image, a local path or an http(s) URL, checked against {@code checksum}. With {@code overlay} the VM runs on a qcow2 overlay backed by it
     * (Packer's {@code use_backing_file}); otherwise on a full copy.
     */
    record DiskImage(String location, Optional<Checksum> checksum, boolean overlay, Boot boot) implements Source {}

    /** The built disk of the template this one extends: the child runs on an overlay of it. */
    record Parent(String name) implements Source {}

    /** A bootable base disk made from a Debian/Ubuntu mirror with debootstrap, no installer. */
    record Bootstrap(String suite, String mirror, Optional<String> proxy, List<String> packages)
            implements Source {}

    /** The boot command settings of this source, {@link Boot#none()} where nothing is typed. */
    default Boot boot() {
        if (this instanceof Iso s) {
            return s.boot();
        }
        if (this instanceof Kernel s) {
            return s.boot();
        }
        if (this instanceof DiskImage s) {
            return s.boot();
        }
        return Boot.none();
    }
}
