package io.imagebuilder.template;

import java.util.Locale;
import java.util.Optional;

/**
 * How a source ISO or disk image is checked, in Packer's forms: {@code sha256:HEX} (also md5, sha1, sha512),
 * a bare HEX whose length tells the type, {@code file:LOCATION} naming a checksum list such as SHA256SUMS,
 * or {@code none}.
 */
public sealed interface Checksum {

    /** A digest given in the template. {@code algorithm} is md5, sha1, sha256 or sha512; {@code hex} lower case. */
    record Digest(String algorithm, String hex) implements Checksum {
        public Digest {
            String expected = switch (algorithm) {
                case "md5" -> "32";
                case "sha1" -> "40";
                case "sha256" -> "64";
                case "sha512" -> "128";
                default -> throw new IllegalArgumentException(
                        "unsupported checksum type '" + algorithm + "' (md5, sha1, sha256, sha512)");
            };
            if (!hex.matches("[0-9a-f]{" + expected + "}")) {
                throw new IllegalArgumentException("'" + hex + "' is not a " + algorithm + " checksum ("
                        + expected + " hex digits)");
            }
        }

        /** The JDK's name of the algorithm. */
        public String jdkAlgorithm() {
            return switch (algorithm) {
                case "md5" -> "MD5";
                case "sha1" -> "SHA-1";
                case "sha512" -> "SHA-512";
                default -> "SHA-256";
            };
        }

        @Override
        public String toString() {
            return algorithm + ":" + hex;
        }
    }

    /**
     * A checksum list (the lines {@code sha256sum} writes, or BSD style) at a URL or an absolute path; the line
     * for the source's file name is used, its type told by its length.
     */
    record SumsFile(String location) implements Checksum {
        @Override
        public String toString() {
            return "file:" + location;
        }
    }

    /** Parses a template's value; {@code none} or an empty value is no check. */
    static Optional<Checksum> parse(String text) {
        String spec = text.trim();
        if (spec.isEmpty() || spec.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        int colon = spec.indexOf(':');
        if (colon > 0 && spec.substring(0, colon).equalsIgnoreCase("file")) {
            return Optional.of(new SumsFile(spec.substring(colon + 1)));
        }
        if (colon > 0) {
            return Optional.of(new Digest(spec.substring(0, colon).toLowerCase(Locale.ROOT),
                    spec.substring(colon + 1).toLowerCase(Locale.ROOT)));
        }
        return Optional.of(ofBareHex(spec));
    }

    /** A bare hex digest, its type guessed from its length as Packer does. */
    static Digest ofBareHex(String hex) {
        String h = hex.trim().toLowerCase(Locale.ROOT);
        String algorithm = switch (h.length()) {
            case 32 -> "md5";
            case 40 -> "sha1";
            case 64 -> "sha256";
            case 128 -> "sha512";
            default -> throw new IllegalArgumentException("cannot tell the checksum type of '" + hex
                    + "': write it as sha256:HEX, md5:HEX, file:SUMS or none");
        };
        return new Digest(algorithm, h);
    }
}
