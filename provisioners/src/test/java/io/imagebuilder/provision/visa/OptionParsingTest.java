package io.imagebuilder.provision.visa;

import io.imagebuilder.template.TemplateException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.imagebuilder.provision.visa.Specs.custom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionParsingTest {

    private static String error(Runnable parse) {
        TemplateException e = assertThrows(TemplateException.class, parse::run);
        assertTrue(e.getMessage().startsWith("/templates/visa-base/template.yaml:42: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void guacdDefaults() {
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("source", "https://example.org/guac.tar.gz")));
        assertEquals(Optional.of(new SourceRef.Url("https://example.org/guac.tar.gz")), o.source());
        assertEquals("0.0.0.0", o.bindHost());
        assertEquals(4822, o.bindPort());
        assertEquals(ServiceManager.AUTO, o.service());
        assertEquals(List.of("--with-init-dir=/etc/init.d", "--with-rdp"), o.configureOptions());
        assertTrue(o.buildPackages().contains("libjpeg62-turbo-dev|libjpeg-turbo8-dev|libjpeg-dev"));
        assertEquals(Proxy.NONE, o.proxy());
        assertEquals(GuacdOptions.of(o.source().get()), o);
    }

    @Test
    void guacdFromPinnedDebsOrPackages() {
        String sha = "fb9401df8378545d51c286543250f28de7c1e926408859678f4731aa198de03d";
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("debs", List.of(Map.of(
                "url", "http://deb.debian.org/debian/pool/main/g/guacamole-server/guacd_1.3.0-1+b1_amd64.deb",
                "sha256", sha)))));
        GuacdOptions.Install.FromDebs debs = (GuacdOptions.Install.FromDebs) o.install();
        assertEquals("guacd_1.3.0-1+b1_amd64.deb", debs.debs().get(0).fileName());
        assertEquals(o, GuacdOptions.parse(custom("guacd", o.toMap())), "toMap reads back the same options");
        assertEquals(new GuacdOptions.Install.FromPackages(List.of("guacd", "libguac-client-rdp0")),
                GuacdOptions.parse(custom("guacd", Map.of("packages", List.of("guacd", "libguac-client-rdp0"))))
                        .install());
    }

    @Test
    void localSourceIsResolvedAgainstTheTemplateFolder() {
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("source", "files/guac.tar.gz")));
        assertEquals(Optional.of(new SourceRef.Local(Path.of("/templates/visa-base/files/guac.tar.gz"))), o.source());
        assertEquals(List.of(Path.of("/templates/visa-base/files/guac.tar.gz")),
                new GuacdProvisioner().localFiles(custom("guacd", Map.of("source", "files/guac.tar.gz"))));
    }

    @Test
    void wrongTypesNameTheOption() {
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "bind_port", "http"))))
                .contains("guacd: option 'bind_port' must be an integer, got string 'http'"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "bind_port", 70000))))
                .contains("'bind_port' must be between 1 and 65535"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz",
                "build_packages", Map.of("a", 1))))).contains("'build_packages' must be a list of strings, got a mapping"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "service", "upstart"))))
                .contains("'service' must be one of auto, systemd, supervisor, init.d, none, got 'upstart'"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of())))
                .contains("guacd: option 'source' or packages or debs: give exactly one"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "packages", "guacd"))))
                .contains("give exactly one"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("debs", List.of(Map.of(
                "url", "http://deb.example/guacd.deb", "sha256", "abc")))))).contains("'debs' item 1 must have url"
                + " and sha256 (64 lowercase hex digits)"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("debs", List.of(Map.of(
                "url", "guacd.deb", "sha256", "a".repeat(64))))))).contains("'debs' item 1: url must be an http(s)"
                + " URL of a .deb, got 'guacd.deb'"));
        assertTrue(error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz",
                "http_proxy", "proxy:3128")))).contains("'http_proxy' must be a URL"));
    }

    @Test
    void unknownOptionsAreRejected() {
        String msg = error(() -> GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "bind_prot", 1))));
        assertTrue(msg.contains("guacd: unknown option bind_prot (known: "), msg);
        assertTrue(msg.contains("bind_port"), msg);
    }

    @Test
    void numbersAndListsAcceptTheirTextForms() {
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz", "bind_port", "4823",
                "build_packages", "gcc")));
        assertEquals(4823, o.bindPort());
        assertEquals(List.of("gcc"), o.buildPackages());
    }

    @Test
    void proxyDefaultsHttpsToHttp() {
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("source", "x.tgz",
                "http_proxy", "http://proxy.ill.fr:8888", "no_proxy", "localhost,.ill.fr")));
        assertEquals(new Proxy("http://proxy.ill.fr:8888", "http://proxy.ill.fr:8888", "localhost,.ill.fr"),
                o.proxy());
        assertEquals(List.of("s3cret"), Proxy.of("http://bob:s3cret@proxy:3128", "").passwords());
        assertEquals(List.of("p@ss", "other"), new Proxy("http://bob:p@ss@proxy:3128", "https://al:other@proxy:3129",
                "").passwords(), "every proxy's password is masked, an @ in it too");
    }

    @Test
    void xrdpPackagesOrSource() {
        XrdpOptions d = XrdpOptions.parse(custom("xrdp", Map.of()));
        assertEquals(XrdpOptions.defaults(), d);
        assertEquals("auth [success=2 default=ignore] pam_visa.so /etc/visa/public.pem 60", d.pamAuthLine());
        XrdpOptions s = XrdpOptions.parse(custom("xrdp", Map.of("xrdp_source", "https://h/xrdp-0.10.1.tar.gz",
                "xorgxrdp_source", "src/xorgxrdp.tar.gz", "pam_args", List.of("debug"))));
        assertTrue(s.fromSource());
        assertEquals("auth [success=2 default=ignore] pam_visa.so debug", s.pamAuthLine());
        assertTrue(error(() -> XrdpOptions.parse(custom("xrdp", Map.of("xorgxrdp_source", "x.tgz"))))
                .contains("'xorgxrdp_source' needs xrdp_source too"));
        assertTrue(error(() -> XrdpOptions.parse(custom("xrdp", Map.of("xrdp_source", "x.tgz",
                "packages", List.of("xrdp"))))).contains("'packages' cannot be combined with xrdp_source"));
        assertTrue(error(() -> XrdpOptions.parse(custom("xrdp", Map.of("pam_module", "pam visa.so"))))
                .contains("'pam_module' must be a module file name"));
    }

    @Test
    void visaPamSourcesAndKey() {
        VisaPamOptions git = VisaPamOptions.parse(custom("visa-pam", Map.of(
                "source", "https://code.ill.fr/panosc/visa/visa-pam.git", "git_ref", "v2.1.0",
                "public_key", PEM)));
        assertEquals(new SourceRef.Git("https://code.ill.fr/panosc/visa/visa-pam.git", "v2.1.0"), git.source());
        assertEquals("/etc/visa/public.pem", git.keyPath());
        assertInstanceOf(SourceRef.Git.class, VisaPamOptions.parse(custom("visa-pam",
                Map.of("source", "git+https://example.org/visa-pam"))).source());
        assertTrue(error(() -> VisaPamOptions.parse(custom("visa-pam", Map.of("source", "pam.tgz",
                "git_ref", "main")))).contains("'git_ref' applies only to a git source"));
        assertTrue(error(() -> VisaPamOptions.parse(custom("visa-pam", Map.of("source", "pam.tgz",
                "public_key", "ssh-rsa AAAA")))).contains("'public_key' must be a PEM public key"));
        assertTrue(error(() -> VisaPamOptions.parse(custom("visa-pam", Map.of("source", "pam.tgz",
                "public_key", PEM, "public_key_file", "k.pem")))).contains("public_key_file are both set"));
        assertTrue(error(() -> VisaPamOptions.parse(custom("visa-pam", Map.of("source", "svn://x/pam"))))
                .contains("unsupported URL scheme"));
        assertTrue(error(() -> VisaPamOptions.parse(custom("visa-pam", Map.of("source", "pam.tgz",
                "public_key_path", "/etc/visa/$(reboot).pem")))).contains("'public_key_path' must be an absolute"
                + " path without spaces"), "the path goes into a shell script");
        VisaPamOptions file = VisaPamOptions.parse(custom("visa-pam", Map.of("source", "pam.tgz",
                "public_key_file", "keys/pam.pem")));
        assertEquals(List.of(Path.of("/templates/visa-base/pam.tgz"), Path.of("/templates/visa-base/keys/pam.pem")),
                new VisaPamProvisioner().localFiles(file.toSpec()));
    }

    @Test
    void jupyterPinsAndWheelhouse() {
        JupyterLabOptions d = JupyterLabOptions.parse(custom("jupyterlab", Map.of()));
        assertEquals(JupyterLabOptions.defaults(), d);
        assertEquals("/opt/visa/jupyter/start-jupyterlab.sh", d.launcherPath());
        assertTrue(error(() -> JupyterLabOptions.parse(custom("jupyterlab", Map.of("packages", List.of("jupyterlab")))))
                .contains("'packages' must pin every package as name==version, got 'jupyterlab'"));
        assertTrue(error(() -> JupyterLabOptions.parse(custom("jupyterlab", Map.of("wheelhouse", "wheels",
                "index_url", "https://pypi.ill.fr/simple")))).contains("'index_url' cannot be combined with wheelhouse"));
        assertTrue(error(() -> JupyterLabOptions.parse(custom("jupyterlab", Map.of("venv", "/opt"))))
                .contains("'venv' must be an absolute path"));
    }

    @Test
    void smallTypes() {
        assertEquals(OwnerBootScriptOptions.defaults(), OwnerBootScriptOptions.parse(custom("owner-boot-script", Map.of())));
        assertTrue(error(() -> OwnerBootScriptOptions.parse(custom("owner-boot-script", Map.of("groups", List.of("Bad Group")))))
                .contains("invalid group name 'Bad Group'"));
        assertEquals(PowerManagementOptions.defaults(), PowerManagementOptions.parse(custom("power-management", Map.of())));
        assertTrue(error(() -> PowerManagementOptions.parse(custom("power-management",
                Map.of("masked_targets", List.of("sleep; rm -rf /"))))).contains("must list systemd unit names"));
        assertTrue(error(() -> DesktopLookOptions.parse(custom("desktop-look", Map.of())))
                .contains("desktop-look: set option 'background' or 'welcome_message'"));
    }

    @Test
    void typedOptionsRoundTripThroughTheTemplateForm() {
        List<VisaOptions> all = List.of(
                GuacdOptions.of(new SourceRef.Url("https://h/g.tgz")).withProxy(Proxy.of("http://p:3128", "localhost")),
                XrdpOptions.parse(custom("xrdp", Map.of("xrdp_source", "/src/xrdp.tgz", "xorgxrdp_source", "/src/x.tgz"))),
                XrdpOptions.defaults(),
                VisaPamOptions.of(new SourceRef.Git("https://h/pam.git", "v1"), PEM),
                JupyterLabOptions.defaults().withWheelhouse(Path.of("/w"), List.of("a==1")),
                OwnerBootScriptOptions.defaults(),
                DesktopLookOptions.of(Path.of("/img/bg.png"), "Welcome to VISA"),
                PowerManagementOptions.defaults());
        for (VisaOptions o : all) {
            VisaProvisioner<?> p = LoadedKinds.visa().stream().filter(k -> k.type().equals(o.type()))
                    .findFirst().orElseThrow();
            assertEquals(o, p.parse(o.toSpec()), o.type());
        }
    }

    static final String PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAstandin\n"
            + "-----END PUBLIC KEY-----\n";
}
