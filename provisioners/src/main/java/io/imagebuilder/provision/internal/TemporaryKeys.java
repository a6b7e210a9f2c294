package io.imagebuilder.provision.internal;

import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;

/** Makes the per-build ed25519 key pair: private key in OpenSSH format (mode 600), public key as one line. */
public final class TemporaryKeys {

    static final String COMMENT = "imagebuilder";

    private TemporaryKeys() {
    }

    public static TemporaryKey create(Path dir) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Files.createDirectories(dir);
        Path file = dir.resolve("id_ed25519");
        Files.deleteIfExists(file);
        // created 600 before any byte is written, so the key is never readable by others
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, COMMENT, null, out);
        }
        String line = PublicKeyEntry.toString(pair.getPublic()) + " " + COMMENT;
        return new TemporaryKey(file, line);
    }
}
