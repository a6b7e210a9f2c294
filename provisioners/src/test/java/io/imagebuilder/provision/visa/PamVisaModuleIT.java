package io.imagebuilder.provision.visa;

import io.imagebuilder.provision.visa.verify.VisaToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in VISA PAM module ({@code source: builtin}), built with cmake as the visa-pam provisioner builds it,
 * behind the xrdp provisioner's PAM stack (the ILL's), checked with tokens signed exactly as VISA signs them.
 * Runs on the build host (Linux-PAM's {@code pam_start_confdir}): the same code the image runs, in seconds.
 */
class PamVisaModuleIT {

    /** An existing user: in the image the owner boot script creates the owner, and pam_cap needs a real one. */
    private static final String OWNER = "nobody";
    @TempDir
    static Path dir;
    private static Path login;
    private static Path confDir;
    private static KeyPair keys;

    @BeforeAll
    static void buildTheModuleAndTheStack() throws Exception {
        run(600, "sh", "-c", "for p in gcc cmake make libpam0g-dev libssl-dev libpam-cap; do"
                + " dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' || missing=\"$missing $p\";"
                + " done; [ -z \"$missing\" ] || { apt-get update -q >/dev/null;"
                + " DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing"
                + " >/dev/null; }");
        Path src = Files.createDirectories(dir.resolve("src"));
        SourceRef.Builtin builtin = (SourceRef.Builtin) VisaPamOptions.BUILTIN;
        for (String f : builtin.files()) {
            Files.writeString(src.resolve(f), Templates.load(builtin.resourceDir() + "/" + f));
        }
        Path build = Files.createDirectories(dir.resolve("build"));
        run(300, "cmake", "-S", src.toString(), "-B", build.toString());
        run(300, "make", "-C", build.toString());
        Path module = build.resolve("pam_visa.so");
        assertTrue(Files.isRegularFile(module));

        login = dir.resolve("pam-login");
        Path harness = dir.resolve("pam-login.c");
        try (InputStream in = PamVisaModuleIT.class.getResourceAsStream("/pam/pam-login.c")) {
            Files.write(harness, in.readAllBytes());
        }
        run(300, "gcc", "-Wall", "-Werror", "-o", login.toString(), harness.toString(), "-lpam");

        keys = VisaToken.newKeyPair();
        Path key = dir.resolve("public.pem");
        Files.writeString(key, VisaToken.publicKeyPem(keys.getPublic()));
        XrdpOptions stack = XrdpOptions.defaults();
        stack = new XrdpOptions(stack.packages(), stack.xrdpSource(), stack.xorgxrdpSource(), stack.buildPackages(),
                stack.configureOptions(), module.toString(), List.of(key.toString(), "60"), stack.proxy());
        // the provisioner's stack with the module and key where this test has them; auth lines are what it tests
        String auth = XrdpProvisioner.pamStack(stack).lines().filter(l -> l.startsWith("auth"))
                .collect(Collectors.joining("\n", "", "\n"));
        confDir = Files.createDirectories(dir.resolve("pam.d"));
        Files.writeString(confDir.resolve("xrdp-sesman"), auth);
    }

    @Test
    void aTokenSignedAsVisaSignsItLogsTheOwnerIn() throws Exception {
        assertEquals("accepted", login(OWNER, VisaToken.sign(OWNER, Instant.now(), keys.getPrivate())));
    }

    @Test
    void aTokenIsRefusedWhenAnythingIsWrong() throws Exception {
        Instant now = Instant.now();
        String good = VisaToken.sign(OWNER, now, keys.getPrivate());
        String sig = good.substring(good.indexOf(';') + 1);
        List<String> refused = new ArrayList<>();
        refused.add(VisaToken.sign(OWNER, now.minusSeconds(120), keys.getPrivate()));           // expired
        refused.add(VisaToken.sign(OWNER, now.plusSeconds(3600), keys.getPrivate()));           // far future
        refused.add(OWNER + "," + (now.getEpochSecond() - 1) + ";" + sig);                       // payload changed
        refused.add(good.substring(0, good.length() - 6) + (good.endsWith("A==") ? "B" : "A") + good.substring(
                good.length() - 5));                                                             // signature changed
        refused.add(VisaToken.sign(OWNER, now, VisaToken.newKeyPair().getPrivate()));            // another key
        refused.add(VisaToken.sign(OWNER + "bloggs", now, keys.getPrivate())); // another user (ILL's module: prefix)
        refused.add(good.replace("=", ""));                                                      // unpadded
        refused.add(good + ";x");                                                                // extra field
        refused.add(OWNER + "," + now.getEpochSecond());                                         // no signature
        refused.add("");
        for (String token : refused) {
            assertTrue(login(OWNER, token).startsWith("refused"), "should be refused: " + token);
        }
    }

    private static String login(String user, String token) throws Exception {
        return run(30, login.toString(), confDir.toString(), "xrdp-sesman", user, token).strip();
    }

    private static String run(long seconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end in " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean harness = command[0].endsWith("pam-login");
        if (p.exitValue() != 0 && !(harness && p.exitValue() == 1)) {
            throw new IOException(String.join(" ", command) + " -> " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
