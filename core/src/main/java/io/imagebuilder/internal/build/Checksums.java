package io.imagebuilder.internal.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** File digests, and checks of Packer-style checksums ({@code sha256:HEX}, {@code md5:HEX}, {@code none}). */
final class Checksums {

    private Checksums() {
    }

    static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256");
    }

    static String digest(Path file, String algorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown checksum type " + algorithm, e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Checks {@code file} against a checksum as templates write it; throws naming both values on mismatch. */
    static void verify(Path file, String checksum) throws IOException {
        String spec = checksum.trim();
        if (spec.isEmpty() || spec.equalsIgnoreCase("none")) {
            return;
        }
        String type;
        String expected;
        int colon = spec.indexOf(':');
        if (colon > 0) {
            type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
            expected = spec.substring(colon + 1).toLowerCase(Locale.ROOT);
        } else { // bare hex: guess the type by its length, as Packer does
            expected = spec.toLowerCase(Locale.ROOT);
            type = switch (expected.length()) {
                case 32 -> "md5";
                case 40 -> "sha1";
                case 64 -> "sha256";
                case 128 -> "sha512";
                default -> throw new IOException("cannot tell the checksum type of '" + spec + "'");
            };
        }
        String algorithm = switch (type) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new IOException("unsupported checksum type '" + type + "' (md5, sha1, sha256, sha512)");
        };
        String actual = digest(file, algorithm);
        if (!actual.equals(expected)) {
            throw new IOException(file + ": " + type + " checksum mismatch: expected " + expected + ", got " + actual);
        }
    }
}
