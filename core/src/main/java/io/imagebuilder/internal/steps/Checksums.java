package io.imagebuilder.internal.steps;

import io.imagebuilder.template.Checksum;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** File digests, and checks of a source file against the template's {@link Checksum}. */
public final class Checksums {

    /** {@code HEX  name}, {@code HEX *name} (sha256sum) or {@code SHA256 (name) = HEX} (BSD). */
    private static final Pattern GNU_LINE = Pattern.compile("([0-9a-fA-F]{32,128})\\s+\\*?(?:\\./)?(\\S.*)");
    private static final Pattern BSD_LINE = Pattern.compile("[A-Za-z0-9-]+\\s*\\((?:\\./)?(.+)\\)\\s*=\\s*"
            + "([0-9a-fA-F]{32,128})");

    private Checksums() {
    }

    static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256");
    }

    public static String digest(Path file, String algorithm) throws IOException {
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

    /** Checks {@code file} against {@code expected}; throws naming both values on a mismatch. */
    public static void verify(Path file, Checksum.Digest expected) throws IOException {
        String actual = digest(file, expected.jdkAlgorithm());
        if (!actual.equals(expected.hex())) {
            throw new IOException(file + ": " + expected.algorithm() + " checksum mismatch: expected "
                    + expected.hex() + ", got " + actual);
        }
    }

    /**
     * The digest a checksum list gives for {@code fileName} (matched on the last path element, as Packer
     * does); empty when the list has no line for it.
     */
    static Optional<Checksum.Digest> fromList(String list, String fileName) {
        for (String line : list.split("\r?\n")) {
            String name;
            String hex;
            Matcher gnu = GNU_LINE.matcher(line.trim());
            Matcher bsd = BSD_LINE.matcher(line.trim());
            if (gnu.matches()) {
                hex = gnu.group(1);
                name = gnu.group(2).trim();
            } else if (bsd.matches()) {
                name = bsd.group(1).trim();
                hex = bsd.group(2);
            } else {
                continue;
            }
            if (name.equals(fileName) || name.endsWith("/" + fileName)) {
                return Optional.of(Checksum.ofBareHex(hex));
            }
        }
        return Optional.empty();
    }
}
