package io.imagebuilder.template;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provisioner types from ServiceLoader: their options reach them rendered, and their validate() runs at load. */
class ProvisionerKindTest {

    @TempDir
    Path dir;

    private ClassLoader saved;
    private URLClassLoader services;

    @BeforeEach
    void registerKind() throws IOException {
        Path classpath = dir.resolve("cp");
        Trees.write(classpath, "META-INF/services/io.imagebuilder.spi.ProvisionerKind",
                GuacdTestKind.class.getName() + "\n");
        services = new URLClassLoader(new URL[] {classpath.toUri().toURL()}, getClass().getClassLoader());
        saved = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(services);
    }

    @AfterEach
    void restore() throws IOException {
        Thread.currentThread().setContextClassLoader(saved);
        services.close();
    }

    private static final String HEAD = "source: {bootstrap: {suite: bookworm}}\nvariables: {guacd_port: \"4822\"}\n";

    @Test
    void customOptionsAreRenderedAndValidated() {
        Trees.write(dir, "img/guacd.conf", "[server]\n");
        ImageTemplate t = Trees.loader().loadYaml(HEAD + "provisioners:\n  - guacd:\n      port: \"{{ guacd_port }}\"\n"
                + "      config: guacd.conf\n      pause_before: 1s\n  - type: guacd\n    port: 1\n",
                dir.resolve("img")).target();
        ProvisionerSpec.Custom first = (ProvisionerSpec.Custom) t.provisioners().get(0);
        assertEquals("guacd", first.type());
        assertEquals(Map.of("port", "4822", "config", "guacd.conf"), first.options());
        assertEquals(java.time.Duration.ofSeconds(1), first.common().pauseBefore());
        assertEquals(2, t.provisioners().size());
    }

    @Test
    void validateAndLocalFilesProblemsCarryTheLocation() {
        TemplateException e = assertThrows(TemplateException.class, () -> Trees.loader().loadYaml(HEAD
                + "provisioners:\n  - guacd: {port: many}\n  - guacd: {port: 1, config: missing.conf}\n"
                + "  - xrdp: {}\n", dir.resolve("img")));
        Path yaml = dir.resolve("img/<yaml>");
        assertEquals(List.of(new TemplateException.Problem(Location.of(yaml, 4), "guacd: port must be a number"),
                new TemplateException.Problem(Location.of(yaml, 5), "guacd: file not found: "
                        + dir.resolve("img/missing.conf")),
                new TemplateException.Problem(Location.of(yaml, 6),
                        "unknown provisioner type 'xrdp' (known: file, guacd, shell)")), e.problems());
        assertTrue(e.getMessage().startsWith("3 problems"));
    }
}
