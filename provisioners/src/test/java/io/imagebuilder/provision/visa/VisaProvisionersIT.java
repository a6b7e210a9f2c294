package io.imagebuilder.provision.visa;

import com.sun.net.httpserver.HttpServer;
import io.imagebuilder.BuildEvent;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ProvisionerFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every VISA provisioner, run for real in one guest, then checked from inside it. The guest is the real TCG test
 * VM over SSH (default), or with {@code -Dvisa.it.guest=chroot} a debootstrap chroot STAND-IN (TestGuest).
 * GitHub, Apache's archive and PyPI are not reachable here, so the guacd source build and the JupyterLab wheel
 * are small FIXTURES (src/test/resources/visa) taking the same code path as the real ones; the PAM module is the
 * built-in one, xrdp comes from Debian's packages. Dependency lists are cut to what the fixtures need. The real
 * guacd (pinned packages) is in the example image, checked by verify (examples' EndToEndIT).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VisaProvisionersIT {

    private TestGuest guest;
    private Path work;
    private StepContext ctx;
    private HttpServer http;
    private final List<String> httpRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("visa-it-");
        ctx = Specs.context(work.resolve("build"), event -> {
            if (event instanceof BuildEvent.GuestOutput o) {
                System.out.println("[" + o.source() + "] " + o.line());
            } else if (event instanceof BuildEvent.Message m) {
                System.out.println("[" + m.level() + "] " + m.text());
            }
        });
        guest = TestGuest.select(ctx);
        System.out.println("VISA ITs run in: " + guest.description());
        // Serves the guacd stand-in tarball to the guest; also answers as an HTTP proxy (absolute request URIs).
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            httpRequests.add(exchange.getRequestURI().toString());
            byte[] body = Files.readAllBytes(work.resolve("guacamole-server-fixture.tar.gz"));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (guest != null) {
            guest.close();
        }
        TestGuest.exec("rm", "-rf", work.toString());
    }

    private String sh(String command) throws Exception {
        return guest.output(command, ctx);
    }

    /** A tarball with one top folder, as source releases come. */
    private Path tarball(String resourceDir, String topFolder) throws Exception {
        Path staging = work.resolve("staging-" + topFolder);
        Files.createDirectories(staging);
        TestGuest.copyTree(TestGuest.resource(resourceDir), staging.resolve(topFolder));
        Path out = work.resolve(topFolder + ".tar.gz");
        TestGuest.exec("tar", "-czf", out.toString(), "-C", staging.toString(), topFolder);
        return out;
    }

    @Test
    @Order(1)
    void powerManagementMasksSleep() throws Exception {
        // Through the SSH module's dispatch (ServiceLoader), as a build runs a template's provisioner.
        Provisioners.run(Specs.custom("power-management", Map.of()), guest.session(), ctx);
        for (String target : PowerManagementOptions.DEFAULT_TARGETS) {
            assertEquals("/dev/null", sh("readlink /etc/systemd/system/" + target), target);
        }
    }

    @Test
    @Order(2)
    void ownerBootScriptIsInstalledAndCreatesTheOwner() throws Exception {
        new OwnerBootScriptProvisioner().run(Specs.custom("owner-boot-script", Map.of()), guest.session(), ctx);
        String path = OwnerBootScriptOptions.DEFAULT_PATH;
        assertEquals("755 root", sh("stat -c '%a %U' " + path));
        assertEquals(OwnerBootScriptProvisioner.script().strip(), sh("cat " + path).strip());
        // cloud-init has no VISA metadata here: a stub answers the two queries the snippet makes (test only).
        sh("printf '%s\\n' '#!/bin/sh' 'case \"$2\" in *owner) echo alice;; *pamPublicKey) printf \"%s\" \"$KEY\";; "
                + "*) exit 1;; esac' > /usr/local/bin/cloud-init && chmod 755 /usr/local/bin/cloud-init");
        sh("KEY='" + OptionParsingTest.PEM.strip() + "' " + path);
        sh("rm /usr/local/bin/cloud-init");
        assertTrue(sh("getent passwd alice").endsWith(":/home/alice:/bin/bash"));
        assertTrue(sh("getent shadow alice").startsWith("alice:$"), "alice has a (random) password");
        assertEquals("600 root root", sh("stat -c '%a %U %G' /etc/visa/public.pem"));
        assertEquals(OptionParsingTest.PEM.strip(), sh("cat /etc/visa/public.pem").strip());
    }

    @Test
    @Order(3)
    void desktopLook() throws Exception {
        Path png = work.resolve("visa background.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        new DesktopLookProvisioner().run(DesktopLookOptions.of(png, "Welcome to VISA!\nData in /data."),
                guest.session(), ctx);
        assertEquals("8 644", sh("stat -c '%s %a' /usr/share/backgrounds/visa/visa_background.png"));
        assertTrue(sh("cat /etc/xdg/xfce4/xfconf/xfce-perchannel-xml/xfce4-desktop.xml")
                .contains("value=\"/usr/share/backgrounds/visa/visa_background.png\""));
        assertEquals("Welcome to VISA!\nData in /data.", sh("cat /etc/motd"));
        assertTrue(sh("cat /etc/xdg/autostart/visa-welcome.desktop").contains("Exec=/usr/local/bin/visa-welcome"));
    }

    @Test
    @Order(4)
    void visaPamBuiltWithCmake() throws Exception {
        VisaPamOptions o = VisaPamOptions.of(VisaPamOptions.BUILTIN, OptionParsingTest.PEM)
                .withBuildPackages(List.of("cmake", "make", "gcc", "libc6-dev", "libpam0g-dev", "libssl-dev"));
        new VisaPamProvisioner().run(o, guest.session(), ctx);
        // Debian's merged /usr: the PAM folder is reachable as /lib/... and /usr/lib/...
        String module = sh("find -H /usr/lib -name pam_visa.so -path '*-linux-gnu/security/*'");
        assertTrue(module.endsWith("-linux-gnu/security/pam_visa.so") && !module.contains("\n"), module);
        assertTrue(sh("nm -D --defined-only " + module).contains("pam_sm_authenticate"));
        assertEquals("600 root root", sh("stat -c '%a %U %G' /etc/visa/public.pem"));
        assertEquals(OptionParsingTest.PEM.strip(), sh("cat /etc/visa/public.pem").strip());
    }

    @Test
    @Order(5)
    void xrdpFromDebianPackagesWithTheVisaPamStack() throws Exception {
        new XrdpProvisioner().run(Specs.custom("xrdp", Map.of()), guest.session(), ctx);
        assertTrue(sh("dpkg-query -W -f '${Status}\\n' xrdp xorgxrdp").lines()
                .allMatch(l -> l.equals("install ok installed")));
        List<String> pam = sh("cat /etc/pam.d/xrdp-sesman").lines().toList();
        assertTrue(pam.get(5).matches("auth +\\[success=2 default=ignore] +pam_visa.so /etc/visa/public.pem 60"),
                pam.toString());
        assertTrue(pam.contains("@include common-account") && pam.contains("@include common-session"));
        assertEquals("enabled", sh("systemctl is-enabled xrdp"));
    }

    @Test
    @Order(6)
    void guacdFromAnUploadedTarball() throws Exception {
        Path source = tarball("guacd-autotools-fixture", "guacamole-server-fixture");
        GuacdOptions o = GuacdOptions.of(new SourceRef.Local(source)).withBuildPackages(
                List.of("gcc", "make", "autoconf", "automake", "libc6-dev", "curl", "ca-certificates"));
        new GuacdProvisioner().run(o, guest.session(), ctx);
        assertEquals("Guacamole proxy daemon (guacd) version 1.5.5-fixture", sh("/usr/local/sbin/guacd -v"));
        assertEquals(GuacdProvisioner.guacdConf(o).strip(), sh("cat /etc/guacamole/guacd.conf").strip());
        assertTrue(sh("cat /etc/guacamole/guacd.conf").contains("bind_host = 0.0.0.0\nbind_port = 4822"));
        assertTrue(sh("test -x /etc/init.d/guacd && echo yes").equals("yes"));
        assertEquals("enabled", sh("systemctl is-enabled guacd"));
    }

    @Test
    @Order(7)
    void guacdFromAUrlThroughTheProxy() throws Exception {
        // The host name does not resolve: the download only works through the proxy the options name.
        String proxy = "http://" + guest.hostAddress() + ":" + http.getAddress().getPort();
        new GuacdProvisioner().run(Specs.custom("guacd", Map.of(
                "source", "http://guacd-downloads.invalid/guacamole-server-fixture.tar.gz",
                "build_packages", List.of(), "bind_port", 4823, "http_proxy", proxy)), guest.session(), ctx);
        assertTrue(httpRequests.contains("http://guacd-downloads.invalid/guacamole-server-fixture.tar.gz"),
                httpRequests.toString());
        assertTrue(sh("cat /etc/guacamole/guacd.conf").contains("bind_port = 4823"));
    }

    @Test
    @Order(8)
    void jupyterLabFromAWheelhouse() throws Exception {
        Path project = work.resolve("wheel-standin");
        TestGuest.copyTree(TestGuest.resource("wheel-standin"), project);
        Path wheelhouse = Files.createDirectories(work.resolve("wheelhouse"));
        TestGuest.exec("python3", "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                "--no-cache-dir", "-w", wheelhouse.toString(), project.toString());
        JupyterLabOptions o = JupyterLabOptions.defaults().withWheelhouse(wheelhouse, List.of("visa-standin==1.0"));
        new JupyterLabProvisioner().run(o, guest.session(), ctx);
        assertEquals("1.0", sh("/opt/visa/jupyter/jupyterlab/bin/python -c "
                + "'import visa_standin; print(visa_standin.VERSION)'"));
        assertTrue(sh("/opt/visa/jupyter/jupyterlab/bin/pip list").contains("visa-standin"));
        assertEquals("755", sh("stat -c '%a' /opt/visa/jupyter/start-jupyterlab.sh"));
        assertTrue(sh("cat /etc/supervisor/conf.d/jupyterlab.conf")
                .contains("command=/opt/visa/jupyter/start-jupyterlab.sh"));
    }

    @Test
    @Order(9)
    void aFailingBuildNamesTheProvisionerAndCodeAndCleansUp() throws Exception {
        Path empty = Files.createDirectories(work.resolve("not-a-source"));
        Files.writeString(empty.resolve("README"), "no configure.ac here\n");
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class, () -> Provisioners
                .run(Specs.custom("guacd", Map.of("source", empty.toString(), "build_packages", List.of())),
                        guest.session(), ctx));
        assertTrue(e.exitCode() > 0, e.getMessage());
        assertTrue(e.getMessage().startsWith("provisioner guacd (/templates/visa-base/template.yaml:42): install.sh "
                + "exited with code " + e.exitCode()), e.getMessage());
        assertTrue(e.getMessage().contains("autoreconf"), e.getMessage());
        assertEquals("", sh("ls -A " + GuestRun.REMOTE_BASE));
    }
}
