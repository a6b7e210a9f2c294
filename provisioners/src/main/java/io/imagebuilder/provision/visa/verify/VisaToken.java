package io.imagebuilder.provision.visa.verify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * The login token VISA signs for an instance's owner, made exactly as VISA's API server makes it:
 * {@code "<owner>,<epoch seconds>;<base64(SHA256withRSA over "<owner>,<epoch seconds>")>"}, standard padded
 * base64 on one line. The PAM module in the image checks it against {@code meta.pamPublicKey}.
 */
public final class VisaToken {

    /** xrdp refuses passwords over 255 characters: an RSA-1024 token has 193, an RSA-2048 one 365. */
    public static final int KEY_BITS = 1024;

    private VisaToken() {
    }

    /** A fresh key pair of {@link #KEY_BITS} bits, as a VISA site configures for its instances. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(KEY_BITS);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available in this JVM", e);
        }
    }

    public static String sign(String owner, Instant issued, PrivateKey key) {
        String payload = owner + "," + issued.getEpochSecond();
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(payload.getBytes(StandardCharsets.UTF_8));
            return payload + ";" + Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign a VISA token with this key: " + e.getMessage(), e);
        }
    }

    /** The public key as VISA hands it to the instance ({@code meta.pamPublicKey}): PEM, BEGIN PUBLIC KEY. */
    public static String publicKeyPem(PublicKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }
}
