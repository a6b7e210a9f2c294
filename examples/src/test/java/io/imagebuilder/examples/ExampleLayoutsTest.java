package io.imagebuilder.examples;

import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateChain;
import io.imagebuilder.template.TemplateLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The VISA example exists twice: in our layout (examples/templates) and in packme's (examples/packme), read
 * unchanged. The packme tree is the installer chain, so its base is compared with system-base-installer.
 */
class ExampleLayoutsTest {

    private static final Path EXAMPLES = Path.of("").toAbsolutePath();
    private static final Map<String, String> VALUES = Map.of("root_password", "pw", "pam_public_key",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

    private static TemplateLoader loader() {
        return TemplateLoader.create().environment(Map.of()).variables(VALUES);
    }

    /** A provisioner as it acts: where it was written does not count. */
    private static ProvisionerSpec anywhere(ProvisionerSpec p) {
        if (p instanceof ProvisionerSpec.Shell s) {
            return new ProvisionerSpec.Shell(Location.UNKNOWN, s.displayName(), s.inline(), s.scripts(),
                    s.environment(), s.executeCommand(), s.expectDisconnect(), s.common());
        }
        if (p instanceof ProvisionerSpec.FileUpload f) {
            return new ProvisionerSpec.FileUpload(Location.UNKNOWN, f.displayName(), f.source(), f.destination(),
                    f.contentsOnly(), f.common());
        }
        ProvisionerSpec.Custom c = (ProvisionerSpec.Custom) p;
        return new ProvisionerSpec.Custom(Location.UNKNOWN, c.displayName(), c.type(), c.options(), c.common());
    }

    private static List<ProvisionerSpec> provisioners(ImageTemplate t) {
        return t.provisioners().stream().map(ExampleLayoutsTest::anywhere).toList();
    }

    @Test
    void thePackmeTreeLoadsIntoTheSamePlanAsOurLayout() throws Exception {
        TemplateChain packme = loader().load(EXAMPLES.resolve("packme"), "visa-apps");
        assertEquals(List.of("system-base", "visa-base", "visa-apps"),
                packme.stages().stream().map(ImageTemplate::name).toList());
        assertTrue(packme.warnings().isEmpty(), "read unchanged, no warning: " + packme.warnings());

        ImageTemplate base = packme.stages().get(0);
        ImageTemplate installer = loader().load(EXAMPLES.resolve("templates"), "system-base-installer").target();
        Source.Iso ownIso = (Source.Iso) installer.source();
        Source.Iso packmeIso = (Source.Iso) base.source();
        assertEquals(ownIso.url(), packmeIso.url());
        assertEquals(ownIso.checksum(), packmeIso.checksum());
        // packme serves http/ as it is: the root password goes on the installer's command line instead
        assertEquals(ownIso.boot().command().replace("/preseed.cfg ", "/preseed.cfg passwd/root-password=pw"
                + " passwd/root-password-again=pw "), packmeIso.boot().command());
        assertEquals(Map.of(), base.httpContent());
        assertEquals(installer.httpContent().get("preseed.cfg").replaceAll("d-i passwd/root-password.*\n", ""),
                Files.readString(base.httpDirectory().orElseThrow().resolve("preseed.cfg")),
                "the same preseed, less the password");
        assertEquals(installer.machine(), base.machine());
        assertEquals(installer.communicator(), base.communicator());
        assertEquals(installer.shutdown(), base.shutdown());

        TemplateChain ours = loader().load(EXAMPLES.resolve("templates"), "visa-apps");
        for (int i = 1; i < 3; i++) {
            ImageTemplate p = packme.stages().get(i);
            ImageTemplate o = ours.stages().get(i);
            assertEquals(o.name(), p.name());
            assertEquals(o.source(), p.source(), o.name() + " starts from its parent's disk");
            assertEquals(o.machine(), p.machine(), o.name());
            assertEquals(provisioners(o), provisioners(p), o.name());
            assertEquals(o.shutdown(), p.shutdown(), o.name());
            assertEquals(o.output(), p.output(), o.name());
        }
    }
}
