package io.imagebuilder.template;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VISA-shaped trees: packme's layout and ours load into the same typed chain. */
class VisaTreesTest {

    private static final Path PACKME = Trees.resource("packme-visa");
    private static final Path OWN = Trees.resource("own-visa");

    private final TemplateChain packme = Trees.loader().load(PACKME, "visa-apps");
    private final TemplateChain own = Trees.loader().load(OWN, "visa-apps");

    @Test
    void packmeChainIsParentsFirstWithTypedSources() {
        assertEquals(List.of("system-base", "visa-base", "visa-apps"),
                packme.stages().stream().map(ImageTemplate::name).toList());
        ImageTemplate base = packme.stages().get(0);
        Source.Iso iso = assertInstanceOf(Source.Iso.class, base.source());
        assertTrue(iso.url().endsWith("debian-12.8.0-amd64-netinst.iso"));
        assertEquals(Optional.of(new Checksum.Digest("sha256",
                "04396d12b0f377958a070c38a923c227832fa3b3e18ddc013936ecf492e9fbb3")), iso.checksum());
        assertEquals("<esc><wait>auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg "
                + "hostname=visa-system domain=local <enter>", iso.boot().command());
        assertEquals(Duration.ofSeconds(5), iso.boot().bootWait());
        assertEquals(new Source.Parent("system-base"), packme.stages().get(1).source());
        assertEquals(Optional.of("system-base"), packme.stages().get(1).parent());
        assertEquals(new Source.Parent("visa-base"), packme.target().source());
    }

    @Test
    void packmeValuesAreRenderedAndTyped() {
        ImageTemplate base = packme.stages().get(0);
        assertEquals("Debian bookworm base system for VISA", base.description());
        assertEquals(new Machine(1, 1024, 20480, Accelerator.TCG, true, List.of(List.of("-serial", "mon:stdio"))),
                base.machine());
        assertEquals(Secret.of("s3cret-root-pw"), base.communicator().password().orElseThrow());
        assertEquals(Duration.ofMinutes(60), base.communicator().timeout());
        assertEquals(Optional.of("shutdown -P now"), base.shutdown().command());
        assertEquals(2048, packme.stages().get(1).machine().memoryMb());
        assertEquals("VISA base image (VISA 3.1.0)", packme.stages().get(1).description(),
                "environment.yml beats parameters");
        assertEquals(Output.Compression.ZLIB, packme.target().output().compression());
    }

    @Test
    void packmeServesHttpFilesAsTheyAreOurLayoutRendersTextOnesButPackerValuesStay() {
        ImageTemplate packmeBase = packme.stages().get(0);
        assertEquals(PACKME.resolve("templates/system-base/http"), packmeBase.httpDirectory().orElseThrow());
        assertEquals(Map.of(), packmeBase.httpContent(), "packme and Packer serve http/ as it is");
        ImageTemplate base = own.stages().get(0);
        String preseed = base.httpContent().get("preseed.cfg");
        assertTrue(preseed.contains("d-i passwd/root-password password s3cret-root-pw\n"), preseed);
        assertTrue(preseed.contains("http://{{ .HTTPIP }}:{{ .HTTPPort }}/installed"), preseed);
        assertTrue(preseed.contains("get_hostname string visa-system"), preseed);
        assertFalse(base.httpContent().containsKey("logo.bin"), "binary files are served as they are");
    }

    @Test
    void provisionersHaveAbsolutePathsAndPackerOptions() {
        ProvisionerSpec.Shell base = assertInstanceOf(ProvisionerSpec.Shell.class,
                packme.stages().get(0).provisioners().get(0));
        assertEquals(List.of(PACKME.resolve("templates/system-base/scripts/base.sh")), base.scripts());
        assertEquals(Map.of("DEBIAN_FRONTEND", "noninteractive", "MIRROR", "deb.debian.org"), base.environment());
        assertEquals(ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, base.executeCommand());

        ProvisionerSpec.FileUpload upload = assertInstanceOf(ProvisionerSpec.FileUpload.class,
                packme.stages().get(1).provisioners().get(0));
        assertEquals(PACKME.resolve("templates/visa-base/system/etc/visa"), upload.source());
        assertTrue(upload.contentsOnly(), "'system/etc/visa/' uploads the folder's contents");
        assertEquals("/etc/visa", upload.destination());

        ProvisionerSpec.Shell jupyter = assertInstanceOf(ProvisionerSpec.Shell.class,
                packme.target().provisioners().get(0));
        assertEquals("shell[1]", jupyter.displayName());
        assertTrue(jupyter.expectDisconnect());
        assertEquals(new ProvisionerSpec.Common(Duration.ofSeconds(5), 2, Optional.of(Duration.ofMinutes(20))),
                jupyter.common());
        assertEquals(Map.of("JUPYTER_VERSION", "4.2.5"), jupyter.environment());
    }

    @Test
    void packmeWarnsAboutPostProcessorsWithFileAndLine() {
        assertTrue(packme.warnings().stream().anyMatch(w -> w.message().contains("post-processors")
                && w.location().equals(Location.of(PACKME.resolve("templates/system-base/manifest.yml"), 41))),
                packme.warnings().toString());
    }

    @Test
    void bothLayoutsLoadIntoEquivalentChains() {
        assertEquals(canonical(packme, PACKME.resolve("templates")), canonical(own, OWN));
        assertEquals(List.of(), own.warnings());
    }

    @Test
    void secretsAreMaskedInVariablesAndNeverPrinted() {
        ImageTemplate base = packme.stages().get(0);
        assertEquals(Secret.MASK, base.variables().get("root_password"));
        assertEquals("visa-system", base.variables().get("hostname"));
        assertFalse(base.toString().contains("s3cret-root-pw"), base.toString());
        assertEquals(List.of(Secret.of("s3cret-root-pw")), packme.secrets(), "for the build's masker");
    }

    /** The chain without what must differ between layouts: file locations, absolute paths, variable listings. */
    static List<ImageTemplate> canonical(TemplateChain chain, Path root) {
        return chain.stages().stream().map(t -> {
            ImageTemplate.Builder b = t.toBuilder().location(Location.UNKNOWN).clearProvisioners();
            t.httpDirectory().ifPresent(d -> b.httpDirectory(root.relativize(d)));
            for (ProvisionerSpec p : t.provisioners()) {
                b.provisioner(relative(p, root));
            }
            ImageTemplate out = b.build();
            // http content differs by design: packme serves http/ as it is, our layout renders it
            return new ImageTemplate(out.name(), out.location(), out.parent(), out.description(), out.source(),
                    out.machine(), out.communicator(), out.httpDirectory(), Map.of(), out.provisioners(),
                    out.shutdown(), out.output(), out.publish(), Map.of(), out.verify());
        }).toList();
    }

    private static ProvisionerSpec relative(ProvisionerSpec p, Path root) {
        if (p instanceof ProvisionerSpec.Shell s) {
            return new ProvisionerSpec.Shell(Location.UNKNOWN, s.displayName(), s.inline(),
                    s.scripts().stream().map(root::relativize).toList(), s.environment(), s.executeCommand(),
                    s.expectDisconnect(), s.common());
        }
        if (p instanceof ProvisionerSpec.FileUpload f) {
            return new ProvisionerSpec.FileUpload(Location.UNKNOWN, f.displayName(), root.relativize(f.source()),
                    f.destination(), f.contentsOnly(), f.common());
        }
        return p;
    }
}
