package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code visa-pam}: builds the VISA PAM module with cmake, installs pam_visa.so into the PAM module folder and
 * writes the public key (uploaded as a file, never put on a command line) with mode 600, owned by root.
 */
public final class VisaPamProvisioner extends VisaProvisioner<VisaPamOptions> {

    @Override
    public String type() {
        return VisaPamOptions.TYPE;
    }

    @Override
    public VisaPamOptions parse(ProvisionerSpec.Custom spec) {
        return VisaPamOptions.parse(spec);
    }

    @Override
    List<Path> localFiles(VisaPamOptions o) {
        List<Path> files = new ArrayList<>(localSource(o.source()));
        o.publicKeyFile().ifPresent(files::add);
        return files;
    }

    @Override
    void provision(VisaPamOptions o, GuestRun run) throws Exception {
        String key = publicKeyText(o);
        if (!key.isEmpty()) {
            run.addText("public.pem", key);
        }
        run.execute(script(o, run, !key.isEmpty()));
    }

    private static String publicKeyText(VisaPamOptions o) throws IOException {
        String key = o.publicKey();
        if (o.publicKeyFile().isPresent()) {
            key = Files.readString(o.publicKeyFile().get(), StandardCharsets.UTF_8);
            if (!VisaPamOptions.isPem(key)) {
                throw new IOException("visa-pam: " + o.publicKeyFile().get() + " is not a PEM public key");
            }
        }
        return key.isEmpty() || key.endsWith("\n") ? key : key + "\n";
    }

    static String script(VisaPamOptions o, GuestRun run, boolean withKey) throws IOException {
        String keyStep = withKey
                ? Templates.render("visa-pam-key.sh", Map.of("key_path", ShellQuote.quote(o.keyPath())))
                : "echo \"no public_key: " + o.keyPath() + " is left to the owner boot script\"\n";
        return Templates.render("visa-pam.sh", Map.of(
                "packages", ShellQuote.quoteAll(o.buildPackages()),
                "source", run.sourceArgs(o.source(), "visa-pam-source"),
                "cmake_options", ShellQuote.quoteAll(o.cmakeOptions()),
                "public_key", keyStep));
    }
}
