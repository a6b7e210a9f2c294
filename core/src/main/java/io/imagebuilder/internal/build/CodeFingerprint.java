package io.imagebuilder.internal.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A digest of the classes and resources (scripts) a class was loaded with, so a stage built by other
 * imagebuilder code (another release, a changed provisioner script) is rebuilt, not reused. A jar and the
 * classes folder it was packed from give the same digest: only entries under {@code io/} count, by name and
 * content.
 */
final class CodeFingerprint {

    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();

    private CodeFingerprint() {
    }

    static String of(Class<?> c) {
        Path where;
        try {
            where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return "unknown:" + c.getName();
        }
        return CACHE.computeIfAbsent(where, CodeFingerprint::of);
    }

    /** The digest of a classes folder or a jar. */
    static String of(Path where) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(where)) {
                List<Path> files;
                if (!Files.isDirectory(where.resolve("io"))) {
                    return "none";
                }
                try (Stream<Path> walk = Files.walk(where.resolve("io"))) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    entry(md, where.relativize(f).toString().replace('\\', '/'), Files.newInputStream(f));
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    List<JarEntry> entries = Collections.list(jar.entries()).stream()
                            .filter(e -> !e.isDirectory() && e.getName().startsWith("io/"))
                            .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
                    for (JarEntry e : entries) {
                        entry(md, e.getName(), jar.getInputStream(e));
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code in " + where, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void entry(MessageDigest md, String name, InputStream content) throws IOException {
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        try (InputStream in = content) {
            md.update(in.readAllBytes());
        }
    }
}
