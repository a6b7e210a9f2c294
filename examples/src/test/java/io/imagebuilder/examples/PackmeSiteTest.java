package io.imagebuilder.examples;

import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateChain;
import io.imagebuilder.template.TemplateLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VISA site's packme tree as sites keep it (test fixture {@code packme-site}, written from the facts of the
 * ILL's public example): environment files wrapped in {@code environment:}, {@code .tlt} files the site's script
 * renders, values that are Jinja strings, a proxy called {@code proxy}, 2/24/11 provisioners, packme packages.
 * It loads unchanged.
 */
class PackmeSiteTest {

    static final Path SITE = Path.of("src/test/resources/packme-site").toAbsolutePath();

    /** What build-image passes for {@code -rp pw -hp http://proxy.site:3128} (see TemplateOptions). */
    private static TemplateChain load(Map<String, String> values) {
        return TemplateLoader.create().environment(Map.of()).defaults(Map.of("headless", "true", "proxy", ""))
                .variables(values).load(SITE, "visa-apps");
    }

    private static final Map<String, String> WITH_PROXY = Map.of("root_password", "pw",
            "http_proxy", "http://proxy.site:3128", "proxy", "http://proxy.site:3128");

    private static ProvisionerSpec.Shell shell(ImageTemplate t, String name) {
        return t.provisioners().stream().filter(p -> p.displayName().equals(name))
                .map(ProvisionerSpec.Shell.class::cast).findFirst().orElseThrow();
    }

    @Test
    void theTreeLoadsUnchangedWithEveryProvisionerAndNoWarning() {
        TemplateChain chain = load(WITH_PROXY);
        assertEquals(List.of("system-base", "visa-base", "visa-apps"),
                chain.stages().stream().map(ImageTemplate::name).toList());
        // visa-apps: its manifest's 11, then the two packages config.yml lists for it, as packme appends them
        assertEquals(List.of(2, 24, 13), chain.stages().stream().map(t -> t.provisioners().size()).toList());
        ProvisionerSpec.Shell htop = shell(chain.target(), "shell[12]");
        assertEquals(List.of(SITE.resolve("packages/htop/scripts/install.sh")), htop.scripts());
        assertEquals("http://proxy.site:3128", htop.environment().get("http_proxy"));
        assertEquals(List.of(), chain.warnings());
        assertInstanceOf(Source.Iso.class, chain.stages().get(0).source());
        assertEquals(new Source.Parent("visa-base"), chain.target().source(), "disk_image: True, no iso_url");
    }

    @Test
    void environmentFilesAreUnwrappedAndVmNameIsEachTemplatesName() {
        TemplateChain chain = load(WITH_PROXY);
        assertEquals(8192, chain.target().machine().memoryMb(), "visa-apps/environment.yml: environment: {...}");
        assertEquals(30000, chain.target().machine().diskSizeMb());
        assertEquals("VISA applications image (visa-apps): JupyterLab, NeXpy, silx", chain.target().description());
        assertEquals("visa-base", chain.stages().get(1).variables().get("vm_name"));
        assertTrue(chain.stages().get(0).machine().headless(), "headless=true, as the site's script exports");
        assertFalse(load(Map.of("root_password", "pw", "headless", "false")).target().machine().headless(), "-nh");
    }

    @Test
    void tltFilesAreRenderedIntoTheBuildNeverIntoTheTree() {
        ImageTemplate base = load(WITH_PROXY).stages().get(0);
        assertEquals("http://proxy.site:3128", base.variables().get("http_proxy"), "environment.yml.tlt");
        assertEquals("localhost", base.variables().get("no_proxy"));
        ProvisionerSpec.FileUpload system = (ProvisionerSpec.FileUpload) base.provisioners().get(0);
        String environment = system.rendered().get("etc/environment");
        assertTrue(environment.contains("https_proxy=\"http://proxy.site:3128\"\n"), environment);
        assertEquals("", load(Map.of("root_password", "pw")).stages().get(0).provisioners().stream()
                .map(ProvisionerSpec.FileUpload.class::cast).findFirst().orElseThrow().rendered()
                .get("etc/environment"), "no proxy: an empty file, as the site's script leaves it");
        assertFalse(Files.exists(SITE.resolve("templates/system-base/environment.yml")));
        assertFalse(Files.exists(SITE.resolve("templates/system-base/system/etc/environment")));
    }

    @Test
    void jinjaAsPackmeRendersIt() {
        TemplateChain chain = load(WITH_PROXY);
        ImageTemplate base = chain.stages().get(0);
        assertEquals("Base Ubuntu JAMMY system for VISA images", base.description());
        String boot = ((Source.Iso) base.source()).boot().command();
        assertTrue(boot.contains("auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg"), boot);
        assertTrue(boot.contains("netcfg/get_hostname=system-base "), "default(vm_name) | lower: " + boot);
        Map<String, String> env = shell(chain.stages().get(1), "shell[23]").environment();
        assertEquals("visa_base", env.get("VISA_IMAGE"), "replace");
        assertEquals("visa-base", env.get("VM_HOSTNAME"), "default(other_var)");
        assertTrue(shell(chain.stages().get(1), "shell[2]").environment().get("DESKTOP_PACKAGES")
                .matches("\\S+( \\S+)+"), "join(' ') of a list parameter");
        assertEquals("http://proxy.site:3128", shell(chain.target(), "shell[1]").environment().get("http_proxy"),
                "the tree's proxy variable is -hp");
    }

    @Test
    void httpFilesAndUploadedFilesAreServedAsTheyAre() throws Exception {
        ImageTemplate base = load(WITH_PROXY).stages().get(0);
        assertEquals(Map.of(), base.httpContent(), "packme serves http/ unrendered");
        assertTrue(Files.readString(base.httpDirectory().orElseThrow().resolve("user-data"))
                .startsWith("## template: jinja\n"));
        try (Stream<Path> files = Files.walk(SITE)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith("ps-format.tmpl")));
        }
        // its {{.Comm}} is not Jinja's: loading did not fail on it, and it is uploaded from the file as it is
    }
}
