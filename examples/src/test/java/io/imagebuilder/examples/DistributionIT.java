package io.imagebuilder.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The installable CLI that {@code mvn package} makes: imagebuilder-VERSION.tar.gz, unpacked away from the source
 * tree, runs with a Java runtime and the shell's basic tools on the PATH (no Maven).
 */
class DistributionIT {

    @TempDir
    Path dir;

    @Test
    void theTarballRunsWithOnlyAJavaRuntime() throws Exception {
        Path tarball;
        try (var files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("imagebuilder-.*\\.tar\\.gz"))
                    .findFirst().orElseThrow();
        }
        Fixtures.run(60, List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", dir.toString()));
        Path home;
        try (var files = Files.list(dir)) {
            home = files.findFirst().orElseThrow();
        }
        for (String f : List.of("bin/build-image", "libexec/libvirtd-start.sh", "LICENSE", "NOTICE", "README.md",
                "templates/visa-ci/image.yml", "lib/picocli-4.7.7.jar")) {
            assertTrue(Files.exists(home.resolve(f)), f + " missing from " + tarball);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/build-image")));
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));

        Path path = Files.createDirectories(dir.resolve("path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        onPath(path, "java", java);
        for (String tool : List.of("bash", "dirname", "readlink", "basename", "find", "mkdir", "mv", "rm", "ls",
                "head", "grep", "ldconfig", "env")) {
            Path real = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").stream().map(d -> Path.of(d, tool))
                    .filter(Files::isExecutable).findFirst().orElseThrow();
            onPath(path, tool, real.toString());
        }
        Map<String, String> env = Map.of("PATH", path.toString(), "HOME", dir.toString());
        String version = Fixtures.run(120, List.of(home.resolve("bin/build-image").toString(), "--version"), env);
        assertTrue(version.strip().matches("imagebuilder \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
        String plan = Fixtures.run(120, List.of(home.resolve("bin/build-image").toString(), "plan"), env);
        assertTrue(plan.contains(home.resolve("templates/visa-ci/image.yml").toString()), plan);
        assertEquals(0, plan.lines().filter(l -> l.contains("Exception")).count(), plan);
    }

    /** A command on the test's PATH that runs the real one (a script: JUnit warns about symbolic links). */
    private static void onPath(Path path, String name, String real) throws Exception {
        Path script = Files.writeString(path.resolve(name), "#!/bin/sh\nexec " + real + " \"$@\"\n");
        script.toFile().setExecutable(true);
    }
}
