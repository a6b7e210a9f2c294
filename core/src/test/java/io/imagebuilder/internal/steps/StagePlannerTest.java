package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildListener;
import io.imagebuilder.OnError;
import io.imagebuilder.internal.build.BuildContext;
import io.imagebuilder.internal.build.BuildServices;
import io.imagebuilder.internal.build.BuildSettings;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step list of a stage, as a table over source kind, last stage or not, provisioners and publishing
 * (Packer's step tables): which steps run, and which disk the create-disk step asks the driver for.
 */
class StagePlannerTest {

    private static final Path PARENT = Path.of("/out/parent.qcow2");
    private static final Path FETCHED = Path.of("/cache/downloads/source.img");

    @TempDir
    Path dir;

    enum Kind { ISO, ISO_BOOT_COMMAND, DISK_OVERLAY, DISK_COPY, KERNEL, KERNEL_ON_DISK, BOOTSTRAP, PARENT }

    static Stream<Arguments> table() {
        String vm = "start-vm wait-for-ssh";
        return Stream.of(
            // source, last, provisioners, publish: steps, and create-disk's plan (kind base); a stage that runs a
            // VM first asks the driver whether this host can run it
            row(Kind.ISO, false, 0, false, "check-host work-dir fetch-source create-disk start-vm shutdown convert",
                    "NEW -"),
            row(Kind.ISO_BOOT_COMMAND, false, 0, false,
                    "check-host work-dir fetch-source create-disk start-vm boot-command shutdown convert", "NEW -"),
            row(Kind.ISO, true, 1, true, "check-host work-dir fetch-source create-disk " + vm
                    + " provision shell[1] seal-image shutdown convert publish", "NEW -"),
            // a disk image only converted needs no VM at all
            row(Kind.DISK_OVERLAY, true, 0, false, "work-dir fetch-source create-disk convert",
                    "OVERLAY " + FETCHED),
            row(Kind.DISK_COPY, false, 0, true, "work-dir fetch-source create-disk convert", "COPY " + FETCHED),
            row(Kind.DISK_COPY, false, 1, false, "check-host work-dir fetch-source create-disk " + vm
                    + " provision shell[1] shutdown convert", "COPY " + FETCHED),
            row(Kind.DISK_OVERLAY, true, 1, true, "check-host work-dir fetch-source create-disk " + vm
                    + " provision shell[1] seal-image shutdown convert publish", "OVERLAY " + FETCHED),
            row(Kind.KERNEL, false, 0, false, "check-host work-dir create-disk start-vm shutdown convert", "NEW -"),
            row(Kind.KERNEL_ON_DISK, true, 1, false, "check-host work-dir fetch-source create-disk " + vm
                    + " provision shell[1] seal-image shutdown convert", "OVERLAY " + FETCHED),
            // the bootstrap disk lets in only the build key: kept for the next stage, removed from the last
            row(Kind.BOOTSTRAP, false, 0, false, "work-dir create-ssh-key bootstrap-disk convert keep-build-key",
                    null),
            row(Kind.BOOTSTRAP, true, 0, false, "check-host work-dir create-ssh-key bootstrap-disk " + vm
                    + " seal-image shutdown convert", null),
            row(Kind.BOOTSTRAP, true, 2, true, "check-host work-dir create-ssh-key bootstrap-disk " + vm
                    + " provision shell[1] provision shell[2] seal-image shutdown convert publish", null),
            row(Kind.PARENT, false, 1, false, "check-host work-dir parent-build-key create-disk " + vm
                    + " provision shell[1] shutdown convert keep-build-key", "OVERLAY " + PARENT),
            row(Kind.PARENT, true, 0, true, "check-host work-dir parent-build-key create-disk " + vm
                    + " seal-image shutdown convert publish", "OVERLAY " + PARENT));
    }

    private static Arguments row(Kind kind, boolean last, int provisioners, boolean publish, String steps,
                                 String disk) {
        return Arguments.of(kind, last, provisioners, publish, steps, disk);
    }

    @ParameterizedTest(name = "{0} last={1} provisioners={2} publish={3}")
    @MethodSource("table")
    void stepsOfAStage(Kind kind, boolean last, int provisioners, boolean publish, String expectedSteps,
                       String expectedDisk) throws Exception {
        RecordingDriver driver = new RecordingDriver();
        BuildContext build = context(driver, publish);
        List<Step> steps = new StagePlanner(build).steps(template(kind, provisioners), Optional.of(PARENT), "vm",
                last);
        assertEquals(expectedSteps, String.join(" ", steps.stream().map(Step::name).toList()));

        if (expectedDisk != null) {
            StepContext ctx = build.stepContext("t", dir);
            ctx.put(BuildKeys.SOURCE_FILE, FETCHED);
            steps.stream().filter(s -> s.name().equals("create-disk")).findFirst().orElseThrow().run(ctx);
            assertEquals(expectedDisk, driver.disk);
        }
    }

    private BuildContext context(MachineDriver driver, boolean publish) {
        return context(driver, publish, Optional.empty());
    }

    private BuildContext context(MachineDriver driver, boolean publish, Optional<Executor> executor) {
        Optional<PublishTarget> target = publish ? Optional.of(new PublishTarget() {
            public String describe() {
                return "nowhere";
            }

            public List<String> secrets() {
                return List.of();
            }

            public PublishedImage publish(Path image, Publish p, StepContext ctx) {
                throw new UnsupportedOperationException();
            }
        }) : Optional.empty();
        BuildSettings settings = new BuildSettings(dir.resolve("out"), dir.resolve("cache"), OnError.CLEANUP, false,
                target, Optional.empty(), Optional.empty(), executor);
        return BuildContext.of(settings, new BuildServices(Optional.of(driver), Optional.empty(), Map.of()),
                BuildListener.NONE, List.of(), new Cancellation());
    }

    private static ImageTemplate template(Kind kind, int provisioners) {
        Source.Boot noBoot = Source.Boot.none();
        Source source = switch (kind) {
            case ISO -> new Source.Iso("/isos/netinst.iso", Optional.empty(), noBoot);
            case ISO_BOOT_COMMAND -> new Source.Iso("/isos/netinst.iso", Optional.empty(),
                    new Source.Boot("<enter>", Duration.ZERO, Duration.ZERO));
            case DISK_OVERLAY -> new Source.DiskImage("/images/base.qcow2", Optional.empty(), true, noBoot);
            case DISK_COPY -> new Source.DiskImage("/images/base.qcow2", Optional.empty(), false, noBoot);
            case KERNEL -> new Source.Kernel(Path.of("/k/linux"), Path.of("/k/initrd"), "console=ttyS0",
                    Optional.empty(), noBoot);
            case KERNEL_ON_DISK -> new Source.Kernel(Path.of("/k/linux"), Path.of("/k/initrd"), "console=ttyS0",
                    Optional.of(new Source.DiskImage("/images/base.qcow2", Optional.empty(), true, noBoot)), noBoot);
            case BOOTSTRAP -> new Source.Bootstrap("bookworm", "http://deb.debian.org/debian", Optional.empty(),
                    List.of());
            case PARENT -> new Source.Parent("parent");
        };
        ImageTemplate.Builder b = ImageTemplate.builder("t").source(source);
        if (kind == Kind.PARENT) {
            b.parent("parent");
        }
        for (int i = 1; i <= provisioners; i++) {
            b.provisioner(new ProvisionerSpec.Shell(Location.UNKNOWN, "shell[" + i + "]", List.of("true"),
                    List.of(), Map.of(), ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false,
                    ProvisionerSpec.Common.defaults()));
        }
        return b.build();
    }

    /** Without KVM, auto provisions in a chroot what needs no booted system; chroot asked of a boot is an error. */
    @ParameterizedTest(name = "{0} executor={1} kvm={2}")
    @MethodSource("executors")
    void theExecutorOfAStage(Kind kind, Optional<Executor> asked, boolean kvm, String expected) {
        RecordingDriver driver = new RecordingDriver();
        driver.kvm = kvm;
        BuildContext build = context(driver, false, asked);
        ImageTemplate t = template(kind, 1);
        StagePlanner planner = new StagePlanner(build);
        if (expected.startsWith("error")) {
            TemplateException e = assertThrows(TemplateException.class, () -> planner.steps(t, Optional.of(PARENT),
                    "vm", true));
            assertTrue(e.getMessage().contains(expected.substring("error: ".length())), e.getMessage());
            return;
        }
        String steps = String.join(" ", planner.steps(t, Optional.of(PARENT), "vm", true).stream()
                .map(Step::name).toList());
        assertTrue(steps.contains(expected), steps);
        ExecutorChoice choice = planner.executor(t);
        assertEquals(expected.contains("mount-disk") ? Executor.CHROOT : Executor.VM, choice.executor());
    }

    static Stream<Arguments> executors() {
        String chroot = "mount-disk provision shell[1] seal-image unmount-disk convert";
        String vm = "start-vm wait-for-ssh provision shell[1] seal-image shutdown convert";
        return Stream.of(
            Arguments.of(Kind.PARENT, Optional.empty(), false, chroot),
            Arguments.of(Kind.PARENT, Optional.empty(), true, vm),
            Arguments.of(Kind.BOOTSTRAP, Optional.empty(), false, "bootstrap-disk " + chroot),
            Arguments.of(Kind.DISK_COPY, Optional.of(Executor.VM), false, vm),
            Arguments.of(Kind.DISK_OVERLAY, Optional.of(Executor.CHROOT), true, chroot),
            // what boots stays in the VM under auto, and cannot be asked of a chroot
            Arguments.of(Kind.ISO, Optional.empty(), false, "start-vm"),
            Arguments.of(Kind.KERNEL_ON_DISK, Optional.empty(), false, "start-vm"),
            Arguments.of(Kind.KERNEL, Optional.of(Executor.CHROOT), false,
                    "error: 't' cannot use the chroot executor: it boots a kernel"));
    }

    @Test
    void aProvisionerThatRebootsKeepsTheVmAndIsNamed() {
        RecordingDriver driver = new RecordingDriver();
        driver.kvm = false;
        ImageTemplate t = ImageTemplate.builder("t").parent("parent").source(new Source.Parent("parent"))
                .provisioner(new ProvisionerSpec.Shell(new Location(Path.of("image.yml"), 7), "reboot[1]",
                        List.of("reboot"), List.of(), Map.of(), ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, true,
                        ProvisionerSpec.Common.defaults())).build();
        ExecutorChoice auto = new StagePlanner(context(driver, false, Optional.empty())).executor(t);
        assertEquals(Executor.VM, auto.executor());
        assertTrue(auto.why().contains("provisioner reboot[1] (image.yml:7") && auto.why().contains("disconnect"),
                auto.why());
        TemplateException e = assertThrows(TemplateException.class,
                () -> new StagePlanner(context(driver, false, Optional.of(Executor.CHROOT))).executor(t));
        assertTrue(e.getMessage().contains("reboot[1]"), e.getMessage());
    }

    /** Records the disk plan; nothing else is called by the steps under test. */
    private static final class RecordingDriver implements MachineDriver {
        String disk;
        boolean kvm = true;

        @Override
        public boolean runsAtNativeSpeed() {
            return kvm;
        }

        @Override
        public Optional<String> cannotOpenOnHost() {
            return Optional.empty();
        }

        public void prepareDisk(DiskPlan plan, StepContext ctx) {
            disk = plan.kind() + " " + plan.base().map(Path::toString).orElse("-");
        }

        public MachineInstance start(MachineSpec spec, StepContext ctx) {
            throw new UnsupportedOperationException();
        }

        public void convert(Path source, Path target, Output output, StepContext ctx) {
            throw new UnsupportedOperationException();
        }
    }
}
