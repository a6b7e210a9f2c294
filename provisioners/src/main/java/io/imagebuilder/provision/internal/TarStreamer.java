package io.imagebuilder.provision.internal;

import io.imagebuilder.pipeline.StepContext;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes a directory tree as one tar stream while walking it: file data is copied straight from disk to the
 * stream, so memory use does not grow with the tree. Modes and symlinks are kept; owners are not (the guest
 * side extracts with --no-same-owner).
 */
final class TarStreamer {

    private static final int BUFFER = 64 * 1024;

    private TarStreamer() {
    }

    static void write(Path root, OutputStream out, StepContext ctx) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        byte[] buffer = new byte[BUFFER];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) { // the destination's own mode is left alone (it may be /tmp)
                    add(dir, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                ctx.cancellation().check();
                add(file, attrs);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path path, BasicFileAttributes attrs) throws IOException {
                String name = root.relativize(path).toString().replace('\\', '/');
                TarArchiveEntry entry;
                if (attrs.isSymbolicLink()) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else {
                    entry = new TarArchiveEntry(path, attrs.isDirectory() ? name + "/" : name,
                            LinkOption.NOFOLLOW_LINKS);
                    // commons-compress leaves the default 644/755 here: set the file's own permission bits
                    int type = attrs.isDirectory() ? 040000 : 0100000;
                    entry.setMode(type | FileModes.of(path));
                }
                tar.putArchiveEntry(entry);
                if (attrs.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(path)) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            tar.write(buffer, 0, n);
                        }
                    }
                }
                tar.closeArchiveEntry();
            }
        });
        tar.finish();
        tar.flush();
    }
}
