package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the {@code visa-pam} provisioner: the VISA PAM module built with cmake, and the public key that
 * checks VISA's login tokens.
 *
 * @param source        git repository (with {@code git_ref}), archive URL, or local tarball/folder
 * @param publicKey     the PEM text ({@code public_key}), or empty
 * @param publicKeyFile a local PEM file ({@code public_key_file}); at most one of the two is set
 * @param keyPath       where the key goes in the guest (mode 600, root)
 */
public record VisaPamOptions(SourceRef source, List<String> buildPackages, List<String> cmakeOptions,
                             String publicKey, Optional<Path> publicKeyFile, String keyPath, Proxy proxy)
        implements VisaOptions {

    public static final String TYPE = "visa-pam";
    public static final String DEFAULT_KEY_PATH = "/etc/visa/public.pem";
    /**
     * imagebuilder's own module ({@code source: builtin}): VISA's token contract, with an exact user match where
     * the ILL's module matches a prefix. For hosts that cannot reach the ILL's repository.
     */
    public static final SourceRef BUILTIN = new SourceRef.Builtin("pam-visa", List.of("CMakeLists.txt", "pam_visa.c"));
    public static final List<String> DEFAULT_BUILD_PACKAGES = List.of("build-essential", "cmake", "pkg-config",
            "libpam0g-dev", "libssl-dev");

    public VisaPamOptions {
        buildPackages = List.copyOf(buildPackages);
        cmakeOptions = List.copyOf(cmakeOptions);
        if (!publicKey.isEmpty() && publicKeyFile.isPresent()) {
            throw new IllegalArgumentException("give the public key as text or as a file, not both");
        }
    }

    public static VisaPamOptions of(SourceRef source, String publicKeyPem) {
        return new VisaPamOptions(source, DEFAULT_BUILD_PACKAGES, List.of(), publicKeyPem, Optional.empty(),
                DEFAULT_KEY_PATH, Proxy.NONE);
    }

    public VisaPamOptions withBuildPackages(List<String> packages) {
        return new VisaPamOptions(source, packages, cmakeOptions, publicKey, publicKeyFile, keyPath, proxy);
    }

    public static VisaPamOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        String ref = r.string("git_ref", "");
        String text = r.requiredString("source");
        SourceRef source = text.equals(SourceRef.Builtin.KEYWORD) ? BUILTIN : SourceRef.parse(r, "source", text, ref);
        if (!ref.isEmpty() && !(source instanceof SourceRef.Git)) {
            throw r.fail("git_ref", "applies only to a git source, but source is " + source);
        }
        String key = r.string("public_key", "");
        Optional<Path> keyFile = r.optionalPath("public_key_file");
        if (!key.isEmpty() && keyFile.isPresent()) {
            throw r.fail("public_key", "and public_key_file are both set: give one");
        }
        if (!key.isEmpty() && !isPem(key)) {
            throw r.fail("public_key", "must be a PEM public key (-----BEGIN PUBLIC KEY----- ...)");
        }
        String keyPath = r.guestPath("public_key_path", DEFAULT_KEY_PATH);
        VisaPamOptions o = new VisaPamOptions(source, r.stringList("build_packages", DEFAULT_BUILD_PACKAGES),
                r.stringList("cmake_options", List.of()), key, keyFile, keyPath, Proxy.parse(r));
        r.finish();
        return o;
    }

    static boolean isPem(String text) {
        String t = text.strip();
        return t.startsWith("-----BEGIN ") && t.endsWith("-----") && t.contains("PUBLIC KEY-----");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source.toString());
        if (source instanceof SourceRef.Git g && !g.ref().isEmpty()) {
            m.put("git_ref", g.ref());
        }
        m.put("build_packages", buildPackages);
        m.put("cmake_options", cmakeOptions);
        if (!publicKey.isEmpty()) {
            m.put("public_key", publicKey);
        }
        publicKeyFile.ifPresent(p -> m.put("public_key_file", p.toString()));
        m.put("public_key_path", keyPath);
        proxy.putInto(m);
        return m;
    }
}
