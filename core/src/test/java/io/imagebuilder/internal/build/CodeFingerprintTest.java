package io.imagebuilder.internal.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CodeFingerprintTest {

    @TempDir
    Path dir;

    @Test
    void aJarAndTheFolderItWasPackedFromAgreeAndAChangedScriptDoesNot() throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("io/imagebuilder/visa"));
        Files.writeString(classes.resolve("io/imagebuilder/visa/guacd.sh"), "make install\n");
        Files.writeString(classes.resolve("io/imagebuilder/A.class"), "bytecode");
        Path jar = dir.resolve("code.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out,
                new Manifest())) {
            for (String name : new String[] {"io/imagebuilder/A.class", "io/imagebuilder/visa/guacd.sh"}) {
                j.putNextEntry(new JarEntry(name));
                j.write(Files.readAllBytes(classes.resolve(name)));
                j.closeEntry();
            }
        }
        String folder = CodeFingerprint.of(classes);
        assertEquals(folder, CodeFingerprint.of(jar), "the manifest and packing do not count");
        Files.writeString(classes.resolve("io/imagebuilder/visa/guacd.sh"), "make install-strip\n");
        assertNotEquals(folder, CodeFingerprint.of(classes));
    }
}
