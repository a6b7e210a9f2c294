package io.imagebuilder.template;

import java.util.Locale;

/**
 * The finished disk: its format, its compression, and whether to compact it (Packer compacts unless
 * {@code skip_compaction}).
 */
public record Output(Format format, Compression compression, boolean compact) {

    public static Output defaults() {
        return new Output(Format.QCOW2, Compression.NONE, true);
    }

    public Output {
        if (format == Format.RAW && compression != Compression.NONE) {
            throw new IllegalArgumentException("a raw image cannot be compressed; use format qcow2");
        }
    }

    public enum Format {
        QCOW2, RAW;

        public String qemuName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "qcow2" -> QCOW2;
                case "raw" -> RAW;
                default -> throw new IllegalArgumentException("unknown format '" + s + "' (qcow2 or raw)");
            };
        }
    }

    /** qcow2 cluster compression. ZSTD needs QEMU >= 5.1 built with zstd wherever the image later runs. */
    public enum Compression {
        NONE, ZLIB, ZSTD;

        public static Compression parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "", "none", "false" -> NONE;
                case "zlib", "true", "gzip" -> ZLIB;
                case "zstd" -> ZSTD;
                default -> throw new IllegalArgumentException("unknown compression '" + s + "' (none, zlib or zstd)");
            };
        }
    }
}
