package io.imagebuilder.provision.visa;

import io.imagebuilder.template.TemplateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.imagebuilder.provision.visa.Specs.custom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated scripts and files: content checks, and {@code sh -n} so every script at least parses. */
class ScriptRenderingTest {

    @TempDir
    Path work;

    private String full(GuestRun run, String body) throws Exception {
        String script = run.prelude() + "\n" + body;
        Path file = work.resolve("check.sh");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "sh -n failed:\n" + out + "\n" + script);
        return script;
    }

    @Test
    void preludeIsStrictNoninteractiveAndExportsTheProxy() throws Exception {
        GuestRun run = Specs.renderOnly("guacd", work, Proxy.of("http://proxy.ill.fr:8888", "localhost,.ill.fr"));
        String s = full(run, "true\n");
        assertTrue(s.contains("\nset -eu\n"));
        assertTrue(s.contains("export DEBIAN_FRONTEND=noninteractive"));
        assertTrue(s.contains("export http_proxy='http://proxy.ill.fr:8888' HTTP_PROXY='http://proxy.ill.fr:8888'"));
        assertTrue(s.contains("export https_proxy='http://proxy.ill.fr:8888'"));
        assertTrue(s.contains("export no_proxy='localhost,.ill.fr' NO_PROXY='localhost,.ill.fr'"));
        assertFalse(full(Specs.renderOnly("guacd", work, Proxy.NONE), "true\n").contains("http_proxy="));
    }

    @Test
    void guacdBuildsWithConfigureFlagsAndEnablesTheService() throws Exception {
        GuacdOptions o = GuacdOptions.parse(custom("guacd", Map.of("source",
                "https://downloads.apache.org/guacamole/1.5.5/source/guacamole-server-1.5.5.tar.gz",
                "bind_port", 4823, "configure_options", List.of("--with-init-dir=/etc/init.d", "--with-rdp",
                        "--disable-guacenc"))));
        GuestRun run = Specs.renderOnly("guacd", work, o.proxy());
        String s = full(run, GuacdProvisioner.script(o, run));
        assertTrue(s.contains("get_source \"$PAYLOAD/src\" url "
                + "'https://downloads.apache.org/guacamole/1.5.5/source/guacamole-server-1.5.5.tar.gz'"));
        assertTrue(s.contains("install_packages 'build-essential' 'autoconf'"));
        assertTrue(s.contains("'libjpeg62-turbo-dev|libjpeg-turbo8-dev|libjpeg-dev'"));
        assertTrue(s.contains("\nautoreconf -fi\n"));
        assertTrue(s.contains("./configure '--with-init-dir=/etc/init.d' '--with-rdp' '--disable-guacenc'\n"));
        assertTrue(s.contains("make -j\"$(nproc)\"\nmake install\nldconfig\n"));
        assertTrue(s.contains("systemctl enable guacd"));
        assertTrue(s.contains("install -m 644 -o root -g root \"$PAYLOAD/guacd.conf\" /etc/guacamole/guacd.conf"));
        assertEquals("# Written by imagebuilder (guacd provisioner).\n[server]\nbind_host = 0.0.0.0\nbind_port = 4823\n",
                GuacdProvisioner.guacdConf(o));
    }

    @Test
    void aLocalSourceIsUploadedNextToTheScript() throws Exception {
        GuestRun run = Specs.renderOnly("guacd", work, Proxy.NONE);
        GuacdOptions o = GuacdOptions.of(new SourceRef.Local(work.resolve("guac.tar.gz")));
        assertTrue(full(run, GuacdProvisioner.script(o, run))
                .contains("get_source \"$PAYLOAD/src\" archive \"$PAYLOAD/guacamole-server-source\""));
        assertEquals(GuestRun.REMOTE_BASE, run.remote("x").substring(0, GuestRun.REMOTE_BASE.length()));
    }

    @Test
    void guacdFromPinnedDebsChecksThemInTheGuestAndListensOnEveryAddress() throws Exception {
        GuestRun run = Specs.renderOnly("guacd", work, Proxy.NONE);
        GuacdOptions o = GuacdOptions.of(new GuacdOptions.Install.FromDebs(List.of(new GuacdOptions.Deb(
                "http://deb.debian.org/debian/pool/main/g/guacamole-server/guacd_1.3.0-1+b1_amd64.deb",
                "a".repeat(64)))));
        String s = full(run, GuacdProvisioner.script(o, run));
        assertTrue(s.contains("sha256sum -c guacd-debs.sha256"), s);
        assertTrue(s.contains("apt-get install -y -q --no-install-recommends './guacd_1.3.0-1+b1_amd64.deb'"), s);
        assertTrue(s.contains("s/^LISTEN_ADDRESS=.*/LISTEN_ADDRESS=0.0.0.0/"), "Debian's unit binds 127.0.0.1");
        assertFalse(s.contains("autoreconf"));
    }

    @Test
    void xrdpSesmanUsesTheVisaModule() throws Exception {
        XrdpOptions o = XrdpOptions.defaults();
        List<String> pam = List.of(XrdpProvisioner.pamStack(o).split("\n"));
        assertEquals("#%PAM-1.0", pam.get(0));
        List<String> auth = pam.stream().filter(l -> l.startsWith("auth")).map(l -> l.replaceAll(" +", " ")).toList();
        assertEquals(List.of("auth [success=2 default=ignore] pam_visa.so /etc/visa/public.pem 60",
                "auth requisite pam_deny.so", "auth required pam_permit.so", "auth optional pam_cap.so"), auth,
                "the ILL's stack: the jump must land inside it");
        assertTrue(pam.containsAll(List.of("@include common-account", "@include common-session",
                "@include common-password")));
        assertFalse(pam.contains("@include common-auth"), "passwords must not open an xrdp session");
        GuestRun run = Specs.renderOnly("xrdp", work, Proxy.NONE);
        String s = full(run, XrdpProvisioner.script(o, run));
        assertTrue(s.contains("install_packages 'xrdp' 'xorgxrdp' 'libpam-cap'"));
        assertTrue(s.contains("/etc/pam.d/xrdp-sesman"));
        assertTrue(s.contains("enable_unit xrdp\n"));
    }

    @Test
    void xrdpFromSourceBuildsBoth() throws Exception {
        XrdpOptions o = XrdpOptions.parse(custom("xrdp", Map.of("xrdp_source", "https://h/xrdp-0.10.1.tar.gz",
                "xorgxrdp_source", "https://h/xorgxrdp-0.10.2.tar.gz")));
        GuestRun run = Specs.renderOnly("xrdp", work, Proxy.NONE);
        String s = full(run, XrdpProvisioner.script(o, run));
        assertTrue(s.contains("get_source \"$PAYLOAD/xrdp-src\" url 'https://h/xrdp-0.10.1.tar.gz'"));
        assertTrue(s.contains("./configure '--enable-jpeg' '--enable-fuse'"));
        assertTrue(s.contains("get_source \"$PAYLOAD/xorgxrdp-src\" url 'https://h/xorgxrdp-0.10.2.tar.gz'"));
        assertFalse(s.contains("install_packages 'xrdp'"));
    }

    @Test
    void visaPamKeyIsAFileNeverACommandLine() throws Exception {
        VisaPamOptions o = VisaPamOptions.parse(custom("visa-pam", Map.of("source", "https://h/visa-pam.git",
                "git_ref", "v2", "cmake_options", List.of("-DCMAKE_BUILD_TYPE=Release"),
                "public_key", OptionParsingTest.PEM)));
        GuestRun run = Specs.renderOnly("visa-pam", work, Proxy.NONE);
        String s = full(run, VisaPamProvisioner.script(o, run, true));
        assertTrue(s.contains("get_source \"$PAYLOAD/src\" git 'https://h/visa-pam.git' 'v2'"));
        assertTrue(s.contains("cmake '-DCMAKE_BUILD_TYPE=Release' ..\n"));
        assertTrue(s.contains("install -m 600 -o root -g root \"$PAYLOAD/public.pem\" '/etc/visa/public.pem'"));
        assertFalse(s.contains("BEGIN PUBLIC KEY"));
    }

    @Test
    void jupyterFromAWheelhouseOrAnIndex() throws Exception {
        JupyterLabOptions wheels = JupyterLabOptions.defaults().withWheelhouse(work, List.of("visa-standin==1.0"));
        String s = full(Specs.renderOnly("jupyterlab", work, Proxy.NONE), JupyterLabProvisioner.script(wheels));
        assertTrue(s.contains("python3 -m venv '/opt/visa/jupyter/jupyterlab'"));
        assertTrue(s.contains("'/opt/visa/jupyter/jupyterlab/bin/pip' install --no-index --find-links "
                + "\"$PAYLOAD/wheelhouse\" 'visa-standin==1.0'"));
        assertTrue(s.contains("/etc/supervisor/conf.d/jupyterlab.conf"));
        JupyterLabOptions index = JupyterLabOptions.parse(custom("jupyterlab", Map.of(
                "index_url", "https://pypi.ill.fr/simple", "http_proxy", "http://proxy:3128")));
        assertTrue(JupyterLabProvisioner.script(index).contains("install --index-url 'https://pypi.ill.fr/simple' "
                + "'jupyterlab==4.2.5'"));
        String launcher = JupyterLabProvisioner.launcher(index);
        assertTrue(launcher.contains("cloud-init query ds.meta_data.meta.owner"));
        assertTrue(launcher.contains("runuser -u \"$owner\""));
        assertTrue(launcher.contains("'/opt/visa/jupyter/jupyterlab/bin/jupyter' lab"));
        assertTrue(launcher.contains("--ServerApp.base_url=\"/jupyter/$instance_id/\""));
        shellParses(launcher);
    }

    @Test
    void jupyterFromDebiansPackagesHasNoVenv() throws Exception {
        JupyterLabOptions debian = JupyterLabOptions.parse(custom("jupyterlab", Map.of("from", "debian")));
        String s = full(Specs.renderOnly("jupyterlab", work, Proxy.NONE), JupyterLabProvisioner.script(debian));
        assertTrue(s.contains("install_packages 'jupyterlab' 'jupyter-core' 'python3-ipykernel' 'supervisor'"), s);
        assertFalse(s.contains("venv") || s.contains("pip"), s);
        assertTrue(JupyterLabProvisioner.launcher(debian).contains("'/usr/bin/jupyter' lab"));
        assertEquals("/opt/visa/jupyter/start-jupyterlab.sh", debian.launcherPath());
        assertTrue(assertThrows(TemplateException.class, () -> JupyterLabOptions.parse(custom("jupyterlab",
                Map.of("from", "debian", "packages", List.of("jupyterlab==4.2.5"))))).getMessage()
                .contains("'packages' applies to from: pip only"));
    }

    @Test
    void aKernelOfAnotherEnvironmentIsRegisteredForEveryone() throws Exception {
        JupyterLabOptions o = JupyterLabOptions.parse(custom("jupyterlab", Map.of("from", "debian", "kernels",
                List.of(Map.of("name", "data-analysis", "display_name", "Data Analysis",
                        "python", "/opt/visa/envs/analysis/bin/python")))));
        String s = full(Specs.renderOnly("jupyterlab", work, Proxy.NONE), JupyterLabProvisioner.script(o));
        assertTrue(s.contains("'/opt/visa/envs/analysis/bin/python' -m ipykernel install --prefix /usr/local"
                + " --name 'data-analysis' --display-name 'Data Analysis'"), s);
        assertEquals(o, JupyterLabOptions.parse(custom("jupyterlab", o.toMap())), "toMap reads back the same");
        assertTrue(assertThrows(TemplateException.class, () -> JupyterLabOptions.parse(custom("jupyterlab",
                Map.of("kernels", List.of(Map.of("name", "Data Analysis", "python", "python3")))))).getMessage()
                .contains("'kernels' item 1: name must be lowercase"));
    }

    @Test
    void guacdBefore15BuildsDespiteOpenSsl3Deprecations() throws Exception {
        GuestRun run = Specs.renderOnly("guacd", work, Proxy.NONE);
        String s = full(run, GuacdProvisioner.script(GuacdOptions.of(new SourceRef.Url("https://h/g.tar.gz")), run));
        assertTrue(s.contains("1.[0-4].*)") && s.contains("-Wno-error=deprecated-declarations"), s);
    }

    @Test
    void powerManagementMasksOrLinks() throws Exception {
        String s = full(Specs.renderOnly("power-management", work, Proxy.NONE),
                PowerManagementProvisioner.script(PowerManagementOptions.defaults()));
        assertTrue(s.contains("for target in 'sleep.target' 'suspend.target' 'hibernate.target' 'hybrid-sleep.target'"));
        assertTrue(s.contains("systemctl mask \"$target\""));
        assertTrue(s.contains("ln -sf /dev/null \"/etc/systemd/system/$target\""));
        assertTrue(s.contains("/etc/polkit-1/rules.d/50-visa-power.rules") && s.contains("polkit.Result.NO"), s);
        assertTrue(s.contains("ResultActive=no"), "the ILL's .pkla for older polkit: " + s);
        shellParses(s);
    }

    @Test
    void xfceWallpaperForEveryMonitorName() {
        String xml = DesktopLookProvisioner.xfceDesktopXml("/usr/share/backgrounds/visa/a&b.png");
        assertTrue(xml.startsWith("<?xml"));
        assertTrue(xml.contains("<property name=\"monitorrdp0\" type=\"empty\">"));
        assertTrue(xml.contains("value=\"/usr/share/backgrounds/visa/a&amp;b.png\""));
        assertEquals("/usr/share/backgrounds/visa/my_logo.png",
                DesktopLookOptions.of(Path.of("/x/my logo.png"), "").guestBackground().orElseThrow());
    }

    @Test
    void everyTypeIsRegistered() {
        Set<String> types = LoadedKinds.visa().stream().map(VisaProvisioner::type).collect(Collectors.toSet());
        assertEquals(Set.of("guacd", "xrdp", "visa-pam", "jupyterlab", "owner-boot-script", "desktop-look",
                "power-management"), types);
    }

    @Test
    void rootWrapperUsesSudoForOtherUsers() {
        assertEquals("sh -c 'if [ \"$(id -u)\" = 0 ]; then sh \"$0\"; else sudo -n sh \"$0\"; fi' '/var/tmp/x/install.sh'",
                GuestRun.asRoot("sh \"$0\"", "/var/tmp/x/install.sh"));
    }

    static void shellParses(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-n", "-c", script).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
