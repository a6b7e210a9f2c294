package io.imagebuilder.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** packme's layout beyond the VISA tree: config forms, disk images, Packer's user variables, its errors. */
class PackmeLayoutTest {

    @TempDir
    Path root;

    private static final String BUILDER = """
            packer:
              variables:
                user_name: "{{ login | default('visa') }}"
              builders:
                - type: qemu
                  iso_url: images/base.qcow2
                  iso_checksum: "file:images/base.qcow2.sha256"
                  disk_image: true
                  use_backing_file: true
                  skip_compaction: true
                  ssh_username: "{% raw %}{{ user `user_name` }}{% endraw %}"
                  net_device: virtio-net
            """;

    private Path packme(String config, String manifest) {
        Trees.write(root, "config.yml", config);
        Trees.write(root, "templates/only/manifest.yml", manifest);
        Trees.write(root, "templates/only/images/base.qcow2", "qcow2");
        Trees.write(root, "templates/only/images/base.qcow2.sha256",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  base.qcow2\n");
        return root;
    }

    @Test
    void aRootWithOneTemplateLoadsWithoutAName() {
        TemplateChain chain = Trees.loader().load(packme("templates:\n  only: {}\n", BUILDER));
        ImageTemplate t = chain.target();
        assertEquals(new Source.DiskImage(root.resolve("templates/only/images/base.qcow2").toString(),
                Optional.of(new Checksum.SumsFile(root.resolve("templates/only/images/base.qcow2.sha256").toString())),
                true, Source.Boot.none()), t.source());
        assertEquals(false, t.output().compact(), "skip_compaction: true");
        assertEquals("visa", t.communicator().username(), "{{ user `x` }} from the packer variables");
        assertEquals(List.of(new TemplateWarning(Location.of(root.resolve("templates/only/manifest.yml"), 12),
                "unknown key 'net_device' in qemu builder (ignored)")), chain.warnings());
    }

    @Test
    void listFormOfConfigAndExplicitValuesOverridePackerVariables() {
        Path r = packme("templates:\n  - name: only\n", BUILDER);
        assertEquals("admin", Trees.loader().variables(Map.of("user_name", "admin")).load(r.resolve("config.yml"))
                .target().communicator().username());
        assertEquals("jdoe", Trees.loader().variables(Map.of("login", "jdoe")).load(r, "only")
                .target().communicator().username());
    }

    @Test
    void severalTemplatesNeedAName() {
        Trees.write(root, "config.yml", "templates:\n  a: {}\n  b: {extends: a}\n");
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().load(root));
        assertTrue(e.getMessage().contains("config.yml lists 2 templates (a, b): name the one to build"),
                e.getMessage());
    }

    @Test
    void missingManifestAndUnknownTemplateAreErrors() {
        Trees.write(root, "config.yml", "templates:\n  a: {}\n  b:\n    extends: c\n");
        TemplateException missing = assertThrows(TemplateException.class, () -> Trees.loader().load(root, "a"));
        assertEquals(Location.of(root.resolve("config.yml"), 2), missing.problems().get(0).location());
        assertTrue(missing.getMessage().contains("templates/a/manifest.yml not found"), missing.getMessage());

        Trees.write(root, "templates/b/manifest.yml", BUILDER);
        TemplateException badExtends = assertThrows(TemplateException.class, () -> Trees.loader().load(root, "b"));
        assertEquals(Location.of(root.resolve("config.yml"), 4), badExtends.problems().get(0).location());
        assertTrue(badExtends.getMessage().contains("extends 'c', which does not exist"), badExtends.getMessage());

        TemplateException unknown = assertThrows(TemplateException.class, () -> Trees.loader().load(root, "zz"));
        assertTrue(unknown.getMessage().contains("no template 'zz' in config.yml (templates: a, b)"));
    }

    @Test
    void aManifestNeedsAQemuBuilderAndASource() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().load(packme(
                "templates:\n  only: {}\n", "packer:\n  builders:\n    - type: virtualbox-iso\n")));
        assertTrue(e.getMessage().contains("manifest.yml:3: no builder of type qemu"), e.getMessage());

        TemplateException noUrl = assertThrows(TemplateException.class, () -> Trees.loader().load(packme(
                "templates:\n  only: {}\n", "packer:\n  builders:\n    - type: qemu\n      disk_image: True\n")));
        assertTrue(noUrl.getMessage().contains("manifest.yml:4: disk_image without iso_url needs 'extends'"),
                noUrl.getMessage());
    }

    @Test
    void aFolderThatIsNeitherLayoutIsAnError() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().load(root));
        assertTrue(e.getMessage().contains("not a template: expected image.yml"), e.getMessage());
    }
}
