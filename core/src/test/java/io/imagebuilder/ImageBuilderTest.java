package io.imagebuilder;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.Shutdown;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageBuilderTest {

    @TempDir
    Path dir;

    private final RecordingServices services = new RecordingServices();
    private final List<BuildEvent> events = new CopyOnWriteArrayList<>();

    private ProvisionerSpec shell(String name) {
        return new ProvisionerSpec.Shell(Location.UNKNOWN, name, List.of("echo hi"), List.of(), Map.of(),
                ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false, ProvisionerSpec.Common.defaults());
    }

    private ImageTemplate template() throws Exception {
        Path base = Files.writeString(dir.resolve("base.qcow2"), "base");
        return ImageTemplate.builder("demo")
                .source(new Source.DiskImage(base.toString(), Optional.empty(), true,
                        new Source.Boot("root<enter>{{ .Name }}@{{ .HTTPIP }}:{{ .HTTPPort }}", Duration.ZERO,
                                Duration.ofMillis(1))))
                .communicator(new Communicator("root", Optional.of(Secret.of("s3cret-pw")), Optional.empty(), 22,
                        Duration.ofMinutes(1), false))
                .httpContent("preseed.cfg", "url {{ .HTTPIP }}")
                .provisioner(shell("shell[1]"))
                .provisioner(shell("shell[2]"))
                .shutdown(new Shutdown(Optional.of("poweroff"), Duration.ofMinutes(1)))
                .build();
    }

    private ImageBuilder builder(ImageTemplate t) {
        return ImageBuilder.from(t).outputDirectory(dir.resolve("out")).driver(services).guestAccess(services)
                .listener(events::add);
    }

    @Test
    void buildRunsTheStepsInOrderAndWritesTheImageWithItsChecksum() throws Exception {
        BuildResult result = builder(template()).build();
        assertEquals(List.of("disk OVERLAY base.qcow2", "start imagebuilder-demo", "type root<enter>demo@10.0.2.2:"
                        + services.calls.get(2).replaceAll(".*:", ""), "connect root", "provision shell[1]",
                "provision shell[2]", services.calls.get(6), "run poweroff", "wait-off", "convert NONE",
                "disconnect", "destroy imagebuilder-demo"), services.calls);
        assertTrue(services.calls.get(6).contains("/var/lib/cloud/instances") && services.calls.get(6).contains("machine-id"),
                "the last image is sealed: " + services.calls.get(6));
        assertTrue(services.calls.get(2).matches("type root<enter>demo@10\\.0\\.2\\.2:\\d{4}"), services.calls.get(2));
        Path image = dir.resolve("out/demo.qcow2");
        assertEquals(image.toAbsolutePath(), result.image());
        assertEquals("disk of demo", Files.readString(image));
        assertTrue(Files.readString(dir.resolve("out/demo.qcow2.sha256")).startsWith(result.sha256() + "  demo.qcow2"));
        assertEquals(64, result.sha256().length());
        assertFalse(Files.exists(dir.resolve("out/.work")) && Files.list(dir.resolve("out/.work")).findAny()
                .isPresent(), "work folder removed");
        assertTrue(result.timings().stream().anyMatch(t -> t.step().equals("provision shell[2]")));
        assertTrue(events.stream().anyMatch(e -> e instanceof BuildEvent.Message m
                && m.text().contains("vnc://127.0.0.1:5900")), "VNC address reported");
    }

    @Test
    void anUnchangedImageIsReusedAndAChangedOneRebuilt() throws Exception {
        ImageTemplate t = template();
        builder(t).build();
        services.calls.clear();
        BuildResult again = builder(t).build();
        assertTrue(again.target().reused());
        assertEquals(List.of(), services.calls, "nothing ran");
        BuildResult changed = builder(t.toBuilder().provisioner(shell("shell[3]")).build()).build();
        assertFalse(changed.target().reused());
        assertTrue(services.calls.contains("provision shell[3]"));
        services.calls.clear();
        builder(t).force(true).build();
        assertTrue(services.calls.contains("convert NONE"), "force rebuilds");
    }

    @Test
    void aFailingProvisionerCleansUpEverythingAndNamesTheStep() throws Exception {
        services.onProvision = name -> {
            if (name.equals("shell[2]")) {
                throw new IllegalStateException("exit 3");
            }
        };
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> builder(template()).build());
        assertEquals("provision shell[2]", e.step());
        assertTrue(e.getMessage().contains("exit 3"));
        assertEquals("destroy imagebuilder-demo", services.calls.get(services.calls.size() - 1));
        assertTrue(services.calls.contains("disconnect"));
        assertFalse(Files.exists(dir.resolve("out/demo.qcow2")), "no finished-looking image");
        assertEquals(0, Files.list(dir.resolve("out/.work")).count(), "work folder removed");
    }

    @Test
    void cancellingThroughTheHandleStopsAndCleansUp() throws Exception {
        CountDownLatch inProvisioner = new CountDownLatch(1);
        services.onProvision = name -> {
            inProvisioner.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                throw new java.util.concurrent.CancellationException("interrupted");
            }
        };
        BuildHandle handle = builder(template()).start();
        inProvisioner.await();
        handle.cancel();
        assertThrows(BuildCancelledException.class, handle::await);
        assertEquals("destroy imagebuilder-demo", services.calls.get(services.calls.size() - 1));
    }

    @Test
    void secretsNeverReachTheListener() throws Exception {
        services.onProvision = name -> { throw new IllegalStateException("password s3cret-pw rejected"); };
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> builder(template()).build());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        assertFalse(trace.toString().contains("s3cret-pw"), "stack trace with causes is masked too");
        for (BuildEvent ev : events) {
            assertFalse(ev.toString().contains("s3cret-pw"), ev.toString());
            if (ev instanceof BuildEvent.StepFailed f) {
                java.io.StringWriter w = new java.io.StringWriter();
                f.error().printStackTrace(new java.io.PrintWriter(w));
                assertFalse(w.toString().contains("s3cret-pw"), w.toString());
            }
        }
    }

    @Test
    void planResolvesWithoutStartingAnything() throws Exception {
        BuildPlan plan = builder(template()).plan();
        assertEquals(List.of("check-host", "work-dir", "fetch-source", "http-server", "create-disk", "start-vm",
                "boot-command", "wait-for-ssh", "provision shell[1]", "provision shell[2]", "seal-image", "shutdown",
                "convert"),
                plan.target().steps());
        assertTrue(plan.describe().contains("provision shell[2]"));
        assertFalse(plan.describe().contains("s3cret-pw"));
        assertEquals(List.of(), services.calls);
    }

    @Test
    void missingModulesAndFilesFailBeforeAnyVmStarts() throws Exception {
        ImageTemplate t = template().toBuilder().source(new Source.Iso(dir.resolve("nope.iso").toString(),
                Optional.empty(), Source.Boot.none())).build();
        TemplateException e = assertThrows(TemplateException.class, () -> builder(t).build());
        assertTrue(e.getMessage().contains("nope.iso does not exist"), e.getMessage());
        assertEquals(List.of(), services.calls);

        Path script = dir.resolve("scripts/missing.sh");
        ImageTemplate withScript = template().toBuilder().provisioner(new ProvisionerSpec.Shell(Location.UNKNOWN,
                "shell[3]", List.of(), List.of(script), Map.of(), ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false,
                ProvisionerSpec.Common.defaults())).build();
        e = assertThrows(TemplateException.class, () -> builder(withScript).build());
        assertTrue(e.getMessage().contains("'demo' names " + script + ", which does not exist"), e.getMessage());
        assertEquals(List.of(), services.calls, "a template built in Java is checked before any VM starts too");
    }

    @Test
    void onErrorAbortKeepsTheVm() throws Exception {
        services.onProvision = name -> { throw new IllegalStateException("boom"); };
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> builder(template()).onError(OnError.ABORT).build());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertFalse(services.calls.stream().anyMatch(c -> c.startsWith("destroy")), services.calls.toString());
    }

    @Test
    void aBootstrapStageLogsInWithTheBuildKeyWhichTheLastImageLoses() throws Exception {
        ImageTemplate bare = ImageTemplate.builder("base")
                .source(new Source.Bootstrap("bookworm", "http://deb.debian.org/debian", Optional.empty(), List.of()))
                .build();
        // the last image must not let the build key in: a VM runs just to remove it
        assertEquals(List.of("check-host", "work-dir", "create-ssh-key", "bootstrap-disk", "start-vm", "wait-for-ssh",
                "seal-image", "shutdown", "convert"), builder(bare).plan().target().steps());
        ImageTemplate provisioned = bare.toBuilder().provisioner(shell("shell[1]")).build();
        assertEquals(List.of("check-host", "work-dir", "create-ssh-key", "bootstrap-disk", "start-vm", "wait-for-ssh",
                "provision shell[1]", "seal-image", "shutdown", "convert"),
                builder(provisioned).plan().target().steps());
    }

    @Test
    void aChildLogsInWithTheBuildKeyItsParentsDiskLetsIn() throws Exception {
        Path root = chain("ssh: {temporary_key: true}\nshutdown: {command: poweroff}\n",
                "provisioners:\n  - shell: {inline: [echo hi]}\n");
        BuildResult result = ImageBuilder.from(root, "child").outputDirectory(dir.resolve("out")).driver(services)
                .guestAccess(services).build();
        assertEquals(List.of("parent", "child"), result.stages().stream().map(BuildResult.StageResult::name).toList());
        assertEquals("private", Files.readString(dir.resolve("out/parent.qcow2.build-key")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("out/parent.qcow2.build-key"))));
        assertTrue(services.calls.contains("connect root key key"), services.calls.toString());
        assertTrue(services.calls.contains("connect root key parent.qcow2.build-key"),
                "the child inherits temporary_key but has no way to install a new key: " + services.calls);
        assertFalse(Files.exists(dir.resolve("out/child.qcow2.build-key")), "the last image keeps no build key");
        assertTrue(services.calls.stream().anyMatch(c -> c.startsWith("run f=\"$HOME/.ssh/authorized_keys\"")
                && c.contains("grep -vF 'AAAA'")), "the last image's authorized_keys loses the build key");
        assertTrue(services.calls.contains("disk OVERLAY parent.qcow2"), services.calls.toString());
    }

    @Test
    void aDiskThatIsOnlyConvertedNeedsNoVm() throws Exception {
        ImageTemplate convertOnly = template().toBuilder().clearProvisioners().shutdown(Shutdown.defaults())
                .source(new Source.DiskImage(dir.resolve("base.qcow2").toString(), Optional.empty(), false,
                        Source.Boot.none())).build();
        assertEquals(List.of("work-dir", "fetch-source", "http-server", "create-disk", "convert"),
                builder(convertOnly).plan().target().steps());
    }

    @Test
    void aValueOnlyTheLastStageUsesRebuildsOnlyIt() throws Exception {
        Path root = chain("provisioners:\n  - shell: {inline: [echo parent]}\n",
                "variables: {greeting: hi}\nprovisioners:\n  - shell: {inline: ['echo {{ greeting }}']}\n");
        ImageBuilder b = ImageBuilder.from(root, "child").outputDirectory(dir.resolve("out")).driver(services)
                .guestAccess(services);
        b.build();
        BuildResult changed = b.variable("greeting", "hello").build();
        assertTrue(changed.stages().get(0).reused(), "the parent does not use the value");
        assertFalse(changed.stages().get(1).reused());
        assertTrue(b.variable("greeting", "hello").build().stages().stream().allMatch(BuildResult.StageResult::reused));
    }

    @Test
    void aCommentThatMovesLinesOrAnotherCheckoutOfTheTemplatesReusesTheImages() throws Exception {
        Path root = chain("provisioners:\n  - shell: {inline: [echo parent]}\n",
                "provisioners:\n  - shell: {scripts: [child.sh]}\n");
        Files.writeString(root.resolve("child/child.sh"), "echo child\n");
        ImageBuilder b = ImageBuilder.from(root, "child").outputDirectory(dir.resolve("out")).driver(services)
                .guestAccess(services);
        b.build();
        Files.writeString(root.resolve("child/image.yml"), "# a comment\n\n" + Files.readString(root.resolve(
                "child/image.yml")));
        assertTrue(b.build().stages().stream().allMatch(BuildResult.StageResult::reused), "lines moved");

        Path elsewhere = dir.resolve("checkout2/images");
        Files.createDirectories(elsewhere.resolve("parent"));
        Files.createDirectories(elsewhere.resolve("child"));
        for (String f : List.of("parent/image.yml", "child/image.yml", "child/child.sh")) {
            Files.copy(root.resolve(f), elsewhere.resolve(f));
        }
        ImageBuilder other = ImageBuilder.from(elsewhere, "child").outputDirectory(dir.resolve("out"))
                .driver(services).guestAccess(services);
        assertTrue(other.build().stages().stream().allMatch(BuildResult.StageResult::reused), "same templates");

        Files.writeString(elsewhere.resolve("child/child.sh"), "echo changed\n");
        BuildResult changed = other.build();
        assertTrue(changed.stages().get(0).reused());
        assertFalse(changed.stages().get(1).reused(), "a changed script rebuilds its stage");
    }

    /** A publish target that remembers what it holds, like a Glance would. */
    private static final class RecordingTarget implements PublishTarget {
        final List<Publish> uploads = new ArrayList<>();
        final Map<String, PublishedImage> images = new HashMap<>();
        final List<String> checksBeforeVmCalls = new ArrayList<>();
        final RecordingServices services;
        final String password;
        Exception refusal;

        RecordingTarget(RecordingServices services, String password) {
            this.services = services;
            this.password = password;
        }

        @Override
        public String describe() {
            return "http://k/v3 (project pr)";
        }

        @Override
        public List<String> secrets() {
            return List.of(password);
        }

        @Override
        public void checkCredentials() throws Exception {
            checksBeforeVmCalls.add("http://k/v3 after " + services.calls.size() + " VM calls");
            if (refusal != null) {
                throw refusal;
            }
        }

        @Override
        public PublishedImage publish(Path image, Publish publish, StepContext ctx) {
            uploads.add(publish);
            PublishedImage made = new PublishedImage("id-" + uploads.size(), publish.imageName(), "md5", "sha512");
            images.put(made.id(), made);
            return made;
        }

        @Override
        public Optional<PublishedImage> existing(String id, Publish publish, StepContext ctx) {
            return Optional.ofNullable(images.get(id));
        }
    }

    @Test
    void aTemplateWithoutPublishSettingsPublishesWithDefaultsAndAnUnchangedImageOnlyOnce() throws Exception {
        RecordingTarget glance = new RecordingTarget(services, "p");
        ImageBuilder b = builder(template()).publishTo(glance);
        BuildResult first = b.build();
        assertEquals(Optional.of("id-1"), first.publishedImageId());
        assertEquals(List.of("http://k/v3 after 0 VM calls"), glance.checksBeforeVmCalls,
                "the credentials are checked once, before the VM");
        Publish used = glance.uploads.get(0);
        assertEquals("demo", used.imageName());
        assertEquals(Publish.Visibility.PRIVATE, used.visibility());
        assertEquals(40, used.minDiskGb(), "min-disk: the disk size (Packer's default 40 GB)");

        BuildResult again = b.build();
        assertTrue(again.target().reused());
        assertEquals(Optional.of("id-1"), again.publishedImageId());
        assertEquals(1, glance.uploads.size(), "an unchanged image is not uploaded again");

        glance.images.clear(); // someone deleted it in Glance
        assertEquals(Optional.of("id-2"), b.build().publishedImageId());
        assertEquals(2, glance.uploads.size());
    }

    @Test
    void refusedCredentialsStopTheBuildBeforeAnyDiskOrVmIsMade() throws Exception {
        RecordingTarget glance = new RecordingTarget(services, "wr0ng-pw-7");
        glance.refusal = new IllegalStateException("Keystone answered 401 for user u with password wr0ng-pw-7");
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> builder(template()).publishTo(glance).build());
        assertEquals("check-credentials", e.step());
        assertTrue(e.getMessage().contains("http://k/v3") && e.getMessage().contains("401"), e.getMessage());
        assertFalse(e.getMessage().contains("wr0ng-pw-7"), "the password is masked: " + e.getMessage());
        assertFalse(e.getCause().getMessage().contains("wr0ng-pw-7"), "in the cause too: " + e.getCause());
        assertEquals(List.of(), services.calls, "no disk made, no VM started");
        assertTrue(glance.uploads.isEmpty());
        assertTrue(Files.notExists(dir.resolve("out/demo.qcow2")));
    }

    /** Templates folder with image "parent" (on a disk image, plus {@code parentYaml}) and "child" extending it. */
    private Path chain(String parentYaml, String childYaml) throws Exception {
        Path base = Files.writeString(dir.resolve("base.qcow2"), "base");
        Path root = dir.resolve("images");
        Files.createDirectories(root.resolve("parent"));
        Files.createDirectories(root.resolve("child"));
        Files.writeString(root.resolve("parent/image.yml"), "source:\n  disk: {image: " + base + "}\n" + parentYaml);
        Files.writeString(root.resolve("child/image.yml"), "extends: parent\n" + childYaml);
        return root;
    }
}
