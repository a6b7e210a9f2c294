package io.imagebuilder.internal.steps;

import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Checksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fetch step against a real HTTP server: download once, checksum forms, cache repair. */
class FetchSourceStepTest {

    private static final byte[] ISO = "not really an ISO".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private StepContext ctx() {
        return new StepContext("img", dir, e -> { }, new Cancellation(), new SecretMasker());
    }

    private static String sha256(byte[] data) throws Exception {
        Path f = Files.createTempFile("fetch", ".bin");
        try {
            Files.write(f, data);
            return Checksums.sha256(f);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void downloadsOnceChecksAgainstAChecksumListAndRepairsABadCachedCopy() throws Exception {
        String hex = sha256(ISO);
        Path served = Files.createDirectories(dir.resolve("www"));
        Files.write(served.resolve("debian.iso"), ISO);
        Files.writeString(served.resolve("SHA256SUMS"), "0".repeat(64) + "  other.iso\n" + hex + " *debian.iso\n");
        try (HttpFileServer http = HttpFileServer.start(InetAddress.getLoopbackAddress(), 18000, 18999, served,
                Map.of(), s -> { })) {
            String base = "http://127.0.0.1:" + http.port() + "/";
            Optional<Checksum> sums = Checksum.parse("file:" + base + "SHA256SUMS");
            Path cache = dir.resolve("cache");

            StepContext first = ctx();
            new FetchSourceStep(base + "debian.iso", sums, cache).run(first);
            Path file = first.require(BuildKeys.SOURCE_FILE);
            assertTrue(file.startsWith(cache), file.toString());
            long isoGets = http.requests().stream().filter(r -> r.path().equals("/debian.iso")).count();
            assertEquals(1, isoGets);

            new FetchSourceStep(base + "debian.iso", sums, cache).run(ctx());
            assertEquals(1, http.requests().stream().filter(r -> r.path().equals("/debian.iso")).count(),
                    "a cached download is not fetched again");

            Files.writeString(file, "truncated");
            new FetchSourceStep(base + "debian.iso", sums, cache).run(ctx());
            assertEquals(2, http.requests().stream().filter(r -> r.path().equals("/debian.iso")).count(),
                    "a cached copy that no longer matches is downloaded again");
            assertEquals(hex, Checksums.sha256(file));
        }
    }

    @Test
    void aMismatchNamesBothDigestsAndAListWithoutTheFileSaysSo() throws Exception {
        Path iso = Files.write(dir.resolve("local.iso"), ISO);
        IOException mismatch = assertThrows(IOException.class, () -> new FetchSourceStep(iso.toString(),
                Checksum.parse("sha256:" + "a".repeat(64)), dir).run(ctx()));
        assertTrue(mismatch.getMessage().contains("expected " + "a".repeat(64) + ", got " + sha256(ISO)),
                mismatch.getMessage());

        Path list = Files.writeString(dir.resolve("SUMS"), "SHA256 (other.iso) = " + "b".repeat(64) + "\n");
        IOException missing = assertThrows(IOException.class, () -> new FetchSourceStep(iso.toString(),
                Optional.of(new Checksum.SumsFile(list.toString())), dir).run(ctx()));
        assertEquals("checksum list " + list + " has no line for local.iso", missing.getMessage());
    }

    @Test
    void checksumListsInGnuAndBsdFormsAndBareHex() {
        String md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assertEquals(Optional.of(new Checksum.Digest("md5", md5)),
                Checksums.fromList("# comment\n" + md5 + "  ./dir/x.iso\n", "x.iso"));
        assertEquals(Optional.of(new Checksum.Digest("sha256", "c".repeat(64))),
                Checksums.fromList("SHA256 (x.iso) = " + "C".repeat(64), "x.iso"));
        assertFalse(Checksums.fromList(md5 + "  xx.iso", "x.iso").isPresent());
        assertEquals(Optional.of(new Checksum.Digest("sha1", "e".repeat(40))), Checksum.parse("E".repeat(40)));
        assertEquals(Optional.empty(), Checksum.parse("none"));
        assertThrows(IllegalArgumentException.class, () -> Checksum.parse("sha256:abc"));
        assertThrows(IllegalArgumentException.class, () -> Checksum.parse("crc32:00000000"));
    }
}
