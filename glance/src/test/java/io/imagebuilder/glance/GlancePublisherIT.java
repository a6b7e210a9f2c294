package io.imagebuilder.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.glance.internal.ImageRecord;
import io.imagebuilder.spi.PublishTarget.PublishedImage;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishes to the real Keystone + Glance of scripts/openstack-start.sh. */
class GlancePublisherIT {

    @TempDir
    Path dir;

    private final List<String> names = new ArrayList<>();

    @BeforeAll
    static void fixture() {
        OpenStackFixture.ensureRunning();
    }

    @AfterEach
    void deleteImages() {
        names.forEach(OpenStackFixture::deleteAll);
    }

    private String name(String what) {
        String n = "ib-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
        names.add(n);
        return n;
    }

    static Path randomFile(Path f, long mib, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(f)) {
            for (long i = 0; i < mib; i++) {
                r.nextBytes(block);
                out.write(block);
            }
        }
        return f;
    }

    private static String md5(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(Files.readAllBytes(f));
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void publishesRawFileWithMetadataAndChecksums() throws Exception {
        Path f = randomFile(dir.resolve("disk.raw"), 24, 1);
        String name = name("meta");
        Publish p = new Publish(name, Publish.Visibility.PUBLIC, 10, 512, "raw", "bare", true,
                Map.of("os_distro", "debian", "visa_release", "12.8"), List.of("visa", "base"),
                Publish.OnConflict.FAIL);
        PublishedImage img = new GlancePublisher().publish(f, p, OpenStackFixture.credentials());

        assertEquals(name, img.name());
        assertEquals(md5(f), img.checksumMd5());
        JsonNode j = new ObjectMapper().readTree(OpenStackFixture.send(OpenStackFixture.access(), "GET",
                "images/" + img.id(), null).body());
        assertEquals("active", j.path("status").asText());
        assertEquals(md5(f), j.path("checksum").asText());
        assertEquals(img.sha512(), j.path("os_hash_value").asText());
        assertEquals("public", j.path("visibility").asText());
        assertEquals(10, j.path("min_disk").asInt());
        assertEquals(512, j.path("min_ram").asInt());
        assertEquals("raw", j.path("disk_format").asText());
        assertTrue(j.path("protected").asBoolean());
        assertEquals("debian", j.path("os_distro").asText());
        assertEquals("12.8", j.path("visa_release").asText());
        List<String> tags = new ArrayList<>();
        j.path("tags").forEach(t -> tags.add(t.asText()));
        assertEquals(List.of("base", "visa"), tags.stream().sorted().toList());
        try (InputStream in = OpenStackFixture.download(img.id())) {
            assertArrayEquals(Files.readAllBytes(f), in.readAllBytes());
        }
    }

    @Test
    void everyVisibilityReachesGlance() throws Exception {
        Path f = randomFile(dir.resolve("small.raw"), 1, 3);
        for (Publish.Visibility v : Publish.Visibility.values()) {
            Publish p = new Publish(name("vis-" + v.apiName()), v, 0, 0, "raw", "bare", false, Map.of(), List.of(),
                    Publish.OnConflict.KEEP_BOTH);
            PublishedImage img = new GlancePublisher().publish(f, p, OpenStackFixture.credentials());
            JsonNode j = new ObjectMapper().readTree(OpenStackFixture.send(OpenStackFixture.access(), "GET",
                    "images/" + img.id(), null).body());
            assertEquals(v.apiName(), j.path("visibility").asText(), v.toString());
        }
    }

    @Test
    void publishesQcow2MadeByQemuImg() throws Exception {
        Path f = dir.resolve("disk.qcow2");
        exec("qemu-img", "create", "-q", "-f", "qcow2", f.toString(), "64M");
        exec("qemu-io", "-f", "qcow2", "-c", "write -P 0xab 1M 3M", f.toString());
        String name = name("qcow2");
        PublishedImage img = new GlancePublisher().publish(f, Publish.named(name), OpenStackFixture.credentials());
        ImageRecord r = OpenStackFixture.glance().get("test", img.id());
        assertEquals("active", r.status());
        assertEquals(md5(f), r.checksum());
        assertEquals(Files.size(f), r.size());
        try (InputStream in = OpenStackFixture.download(img.id())) {
            assertArrayEquals(Files.readAllBytes(f), in.readAllBytes());
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
    }

    @Test
    void wrongPasswordIsAClearErrorAndMakesNoImage() throws Exception {
        Path f = randomFile(dir.resolve("d.raw"), 1, 2);
        OpenStackCredentials good = OpenStackFixture.credentials();
        OpenStackCredentials bad = withPassword(good, "not-the-password-xyz");
        String name = name("badpw");
        GlancePublishException e = assertThrows(GlancePublishException.class,
                () -> new GlancePublisher().publish(f, Publish.named(name), bad));
        assertEquals("authenticate", e.step());
        assertEquals(401, e.httpStatus().orElse(0));
        assertTrue(e.getMessage().contains("admin"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password-xyz"), e.getMessage());
        assertTrue(OpenStackFixture.imagesNamed(name).isEmpty());
    }

    private static OpenStackCredentials withPassword(OpenStackCredentials c, String password) {
        return new OpenStackCredentials(c.authUrl(), c.username(), Optional.of(Secret.of(password)), c.projectName(),
                c.userDomainName(), c.projectDomainName(), c.regionName(), c.interfaceName(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void checkCredentialsAcceptsTheFixturesAndRefusesAWrongPasswordClearly() {
        OpenStackCredentials good = OpenStackFixture.credentials();
        new GlancePublisher().checkCredentials(good); // Keystone answers and the catalog names Glance
        OpenStackCredentials bad = withPassword(good, "not-the-password-xyz");
        GlancePublishException e = assertThrows(GlancePublishException.class,
                () -> new GlancePublisher().checkCredentials(bad));
        assertEquals("authenticate", e.step());
        assertEquals(401, e.httpStatus().orElse(0));
        assertFalse(e.getMessage().contains("not-the-password-xyz"), e.getMessage());
    }

    @Test
    void onConflictFailReplaceAndKeepBoth() throws Exception {
        Path f = randomFile(dir.resolve("d.raw"), 1, 3);
        String name = name("conflict");
        OpenStackCredentials c = OpenStackFixture.credentials();
        GlancePublisher pub = new GlancePublisher();
        Publish base = Publish.named(name);
        String first = pub.publish(f, base, c).id();

        GlancePublishException e = assertThrows(GlancePublishException.class,
                () -> pub.publish(f, with(base, Publish.OnConflict.FAIL), c));
        assertEquals("conflict", e.step());
        assertTrue(e.getMessage().contains(first), e.getMessage());
        assertEquals(List.of(first), ids(name));

        String second = pub.publish(f, with(base, Publish.OnConflict.KEEP_BOTH), c).id();
        assertEquals(List.of(first, second).stream().sorted().toList(), ids(name));

        String third = pub.publish(f, with(base, Publish.OnConflict.REPLACE), c).id();
        assertEquals(List.of(third), ids(name));
    }

    private static Publish with(Publish p, Publish.OnConflict c) {
        return new Publish(p.imageName(), p.visibility(), p.minDiskGb(), p.minRamMb(), "raw", p.containerFormat(),
                p.isProtected(), p.properties(), p.tags(), c);
    }

    private static List<String> ids(String name) {
        return OpenStackFixture.imagesNamed(name).stream().map(ImageRecord::id).sorted().toList();
    }

    @Test
    void credentialsFromCloudsYamlAndOsCloudWork() throws Exception {
        Path f = randomFile(dir.resolve("d.raw"), 1, 4);
        Path clouds = OpenStackFixture.state().resolve("clouds.yaml");
        OpenStackCredentials fromFile = OpenStackCredentials.fromCloudsYaml(clouds, "imagebuilder-test");
        OpenStackCredentials fromEnv = OpenStackCredentials.fromEnvironment(
                Map.of("OS_CLOUD", "imagebuilder-test", "OS_CLIENT_CONFIG_FILE", clouds.toString()));
        for (OpenStackCredentials c : List.of(fromFile, fromEnv)) {
            String name = name("clouds");
            PublishedImage img = new GlancePublisher().publish(f, Publish.named(name), c);
            assertEquals("active", OpenStackFixture.glance().get("test", img.id()).status());
        }
    }

    @Test
    void applicationCredentialWorks() throws Exception {
        Path f = randomFile(dir.resolve("d.raw"), 1, 6);
        String name = name("appcred");
        String secret = "ib-it-secret-" + UUID.randomUUID();
        String id = openstack("application", "credential", "create", name, "--secret", secret, "-f", "value",
                "-c", "id").trim();
        try {
            Map<String, String> env = Map.of("OS_AUTH_URL", OpenStackFixture.openrc().get("OS_AUTH_URL"),
                    "OS_APPLICATION_CREDENTIAL_ID", id, "OS_APPLICATION_CREDENTIAL_SECRET", secret);
            PublishedImage img = new GlancePublisher().publish(f, Publish.named(name),
                    OpenStackCredentials.fromEnvironment(env));
            assertEquals(md5(f), OpenStackFixture.glance().get("test", img.id()).checksum());
        } finally {
            openstack("application", "credential", "delete", id);
        }
    }

    /** Runs the openstack CLI with the fixture's openrc; returns its output. */
    private static String openstack(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openstack"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(OpenStackFixture.openrc());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
