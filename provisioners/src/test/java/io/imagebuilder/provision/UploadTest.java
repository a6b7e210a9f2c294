package io.imagebuilder.provision;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads (file and tar stream) to a real sshd on loopback; "remote" paths are on this machine. */
class UploadTest {

    @RegisterExtension
    static final LoopbackSshd SSHD = new LoopbackSshd();

    @TempDir
    Path local;
    @TempDir
    Path remote;

    private final GuestAccess access = new SshGuestAccess();
    private TestContext t;
    private GuestSession session;

    @BeforeEach
    void connect() throws Exception {
        t = new TestContext(local.resolve("work"));
        session = SSHD.connectAsRoot(t);
    }

    @AfterEach
    void close() {
        session.close();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Path file(Path p, String text, String mode) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void uploadCreatesParentsAndKeepsMode() throws Exception {
        Path src = file(local.resolve("tool.sh"), "#!/bin/sh\necho 'quoted'\n", "rwxr-x---");
        Path dest = remote.resolve("a b/c/tool.sh");
        session.upload(src, dest.toString(), t.ctx);
        assertEquals(Files.readString(src), Files.readString(dest));
        assertEquals("rwxr-x---", mode(dest));
    }

    @Test
    void aFolderUploadAlsoPlacesTheFilesItHoldsOnlyAsTemplatesWithTheTemplatesMode() throws Exception {
        Path dir = local.resolve("system");
        file(dir.resolve("etc/hosts.extra"), "10.0.0.1 proxy\n", "rw-r--r--");
        file(dir.resolve("etc/environment.tlt"), "http_proxy=\"{http_proxy}\"\n", "rw-r--r--");
        ProvisionerSpec.FileUpload spec = new ProvisionerSpec.FileUpload(Location.UNKNOWN, "file[1]", dir,
                remote.toString(), true, ProvisionerSpec.Common.defaults(),
                java.util.Map.of("etc/environment", "http_proxy=\"http://p:3128\"\n"));
        Provisioners.run(spec, session, t.ctx);
        assertEquals("10.0.0.1 proxy\n", Files.readString(remote.resolve("etc/hosts.extra")));
        assertEquals("http_proxy=\"http://p:3128\"\n", Files.readString(remote.resolve("etc/environment")));
        assertEquals("rw-r--r--", mode(remote.resolve("etc/environment")));
    }

    @Test
    void aPathLongerThanTarsHundredCharactersGoesThroughPaxHeaders() throws Exception {
        String deep = "a-folder-name-that-is-rather-long/".repeat(4) + "and-a-file-name-that-is-long-as-well.txt";
        Path tree = local.resolve("long");
        file(tree.resolve(deep), "deep\n", "rw-r--r--");
        session.uploadDirectory(tree, remote.toString(), t.ctx);
        assertEquals("deep\n", Files.readString(remote.resolve(deep)));
    }

    @Test
    void missingLocalFileIsNamed() {
        Path missing = local.resolve("nope.txt");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> session.upload(missing, remote.resolve("x").toString(), t.ctx));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"));
        assertThrows(NoSuchFileException.class, () -> session.uploadDirectory(missing, remote.toString(), t.ctx));
    }

    @Test
    void remoteFailureIsReportedWithItsMessage() throws Exception {
        Path src = file(local.resolve("f"), "x", "rw-r--r--");
        Files.writeString(remote.resolve("blocker"), "a file, not a folder");
        Exception e = assertThrows(java.io.IOException.class,
                () -> session.upload(src, remote.resolve("blocker/f").toString(), t.ctx));
        assertTrue(e.getMessage().contains("failed with exit code 1") && e.getMessage().contains("blocker"),
                e.getMessage());
    }

    @Test
    void directoryUploadKeepsTreeModesAndSymlinks() throws Exception {
        Path tree = local.resolve("tree");
        file(tree.resolve("top.txt"), "top", "rw-r-----");
        file(tree.resolve("bin/run"), "#!/bin/sh\n", "rwxr-xr-x");
        file(tree.resolve("bin/suid"), "x", "rwxr-xr-x");
        Files.setAttribute(tree.resolve("bin/suid"), "unix:mode", 04755);
        file(tree.resolve("deep/er/still/x.conf"), "x", "rw-------");
        Files.setPosixFilePermissions(tree.resolve("deep"), PosixFilePermissions.fromString("rwx--x---"));
        Files.createDirectories(tree.resolve("empty"));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("bin/run"));
        String longName = "n".repeat(150) + "/" + "m".repeat(120) + ".txt";
        file(tree.resolve(longName), "long", "rw-r--r--");
        Path dest = remote.resolve("new/target");
        session.uploadDirectory(tree, dest.toString(), t.ctx);
        assertEquals("top", Files.readString(dest.resolve("top.txt")));
        assertEquals("rw-r-----", mode(dest.resolve("top.txt")));
        assertEquals("rwxr-xr-x", mode(dest.resolve("bin/run")));
        assertEquals(04755, (Integer) Files.getAttribute(dest.resolve("bin/suid"), "unix:mode") & 07777);
        assertEquals("rw-------", mode(dest.resolve("deep/er/still/x.conf")));
        assertEquals("rwx--x---", mode(dest.resolve("deep")));
        assertTrue(Files.isDirectory(dest.resolve("empty")));
        assertEquals(Path.of("bin/run"), Files.readSymbolicLink(dest.resolve("link")));
        assertEquals("long", Files.readString(dest.resolve(longName)));
    }

    @Test
    void fileProvisionerFollowsPackersTrailingSlashRule() throws Exception {
        Path dir = local.resolve("conf");
        file(dir.resolve("a.txt"), "a", "rw-r--r--");
        Path single = file(local.resolve("one.txt"), "1", "rw-r--r--");
        provision(dir, remote.resolve("contents").toString(), true);
        provision(dir, remote.resolve("itself").toString(), false);
        provision(single, remote.resolve("into") + "/", false);
        provision(single, remote.resolve("renamed.txt").toString(), false);
        assertTrue(Files.exists(remote.resolve("contents/a.txt")));
        assertTrue(Files.exists(remote.resolve("itself/conf/a.txt")));
        assertTrue(Files.exists(remote.resolve("into/one.txt")));
        assertEquals("1", Files.readString(remote.resolve("renamed.txt")));
        ProvisionerFailedException e = assertThrows(ProvisionerFailedException.class,
                () -> provision(local.resolve("gone"), remote.toString(), false));
        assertTrue(e.getMessage().contains("source " + local.resolve("gone") + " does not exist"), e.getMessage());
    }

    private void provision(Path source, String dest, boolean contentsOnly) throws Exception {
        Provisioners.run(new ProvisionerSpec.FileUpload(Location.UNKNOWN, "file[1]", source, dest, contentsOnly,
                ProvisionerSpec.Common.defaults()), session, t.ctx);
    }

    /**
     * 200 MB with a 128 MB heap (surefire's argLine): only a streaming upload gets it through; the checksum shows
     * the bytes arrive intact and the progress events that it went out piece by piece.
     */
    @Test
    void largeFileIsStreamed() throws Exception {
        Path big = local.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(200L << 20);
            f.seek(123_456_789L);
            f.write("marker in the middle".getBytes());
        }
        Path dest = remote.resolve("big.bin");
        session.upload(big, dest.toString(), t.ctx);
        assertArrayEquals(sha256(big), sha256(dest));
        long progress = t.events.stream().filter(e -> e instanceof BuildEvent.Progress).count();
        assertTrue(progress >= 20, "progress events while streaming: " + progress);
        assertFalse(t.allText().contains("Exception"));
    }

    private static byte[] sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return md.digest();
    }
}
