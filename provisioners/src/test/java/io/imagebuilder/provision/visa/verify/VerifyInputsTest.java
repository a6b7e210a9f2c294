package io.imagebuilder.provision.visa.verify;

import io.imagebuilder.template.Verify;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What verify hands the instance (VISA's metadata, user-data) and the token it signs, checked as data. */
class VerifyInputsTest {

    private final Verify spec = Verify.ofDesktop().withOwner("joebloggs");

    @Test
    @SuppressWarnings("unchecked")
    void metaDataIsVisasAsCloudInitQueryReadsIt() {
        KeyPair keys = VisaToken.newKeyPair();
        String pem = VisaToken.publicKeyPem(keys.getPublic());
        Map<String, Object> doc = new Yaml().load(VerifyInstance.metaData(spec, "4242", pem));
        assertEquals("visa-verify-4242", doc.get("instance-id"));
        Map<String, Object> meta = (Map<String, Object>) doc.get("meta");
        assertEquals("joebloggs", meta.get("owner"));
        assertEquals("4242", meta.get("id"));
        assertEquals("1280", meta.get("screenWidth"));
        assertEquals("800", meta.get("screenHeight"));
        assertEquals("en-gb-qwerty", meta.get("keyboardLayout"));
        assertEquals(pem, meta.get("pamPublicKey"));
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void userDataLetsTheKeyInAndRunsTheBootCommand() {
        Verify withCommand = new Verify("joebloggs", true, false, List.of(), 1280, 800, "fr-fr-azerty",
                Optional.of("/opt/visa/boot.sh 'x'"), spec.timeout());
        String text = VerifyInstance.userData(withCommand, "ssh-ed25519 AAAA verify");
        assertTrue(text.startsWith("#cloud-config\n"));
        Map<String, Object> doc = new Yaml().load(text);
        List<Object> bootcmd = (List<Object>) doc.get("bootcmd");
        assertEquals("ssh-ed25519 AAAA verify", ((List<String>) bootcmd.get(0)).get(3));
        assertEquals(List.of("/opt/visa/boot.sh 'x'"), doc.get("runcmd"));
        Map<String, Object> byDefault = new Yaml().load(VerifyInstance.userData(spec, "k"));
        String ownerScript = ((List<String>) byDefault.get("runcmd")).get(0);
        assertEquals(io.imagebuilder.provision.visa.OwnerBootScriptProvisioner.script(), ownerScript,
                "without a boot command, the ILL's owner script, as VISA's admin UI would pass it");
    }

    @Test
    void tokensAreSignedAsVisaSignsThemAndTamperingBreaksTheSignature() throws Exception {
        KeyPair keys = VisaToken.newKeyPair();
        Instant t = Instant.ofEpochSecond(1_700_000_000L);
        String token = VisaToken.sign("joebloggs", t, keys.getPrivate());
        assertTrue(token.startsWith("joebloggs,1700000000;"), token);
        assertTrue(token.length() <= 255, "xrdp refuses longer passwords: " + token.length());
        assertTrue(verifies(token, keys));
        String tampered = DesktopChecks.tamper(token);
        assertNotEquals(token, tampered);
        assertEquals(token.length(), tampered.length());
        assertFalse(verifies(tampered, keys));
    }

    @Test
    void aBlankScreenHasOneColour() {
        BufferedImage blank = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        assertEquals(1, GuacamoleDesktop.colours(blank));
        for (int x = 0; x < 64; x += 2) {
            blank.setRGB(x, 0, x * 0x010203);
        }
        assertEquals(32, GuacamoleDesktop.colours(blank));
    }

    private static boolean verifies(String token, KeyPair keys) throws Exception {
        String payload = token.substring(0, token.indexOf(';'));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(keys.getPublic());
        s.update(payload.getBytes(StandardCharsets.UTF_8));
        try {
            return s.verify(Base64.getDecoder().decode(token.substring(token.indexOf(';') + 1)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
