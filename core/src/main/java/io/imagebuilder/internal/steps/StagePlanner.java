package io.imagebuilder.internal.steps;

import io.imagebuilder.internal.build.BuildContext;
import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns one image template into the flat list of steps that builds it (Packer's builder.go): reading
 * {@link #steps} tells the whole story of a stage. Each step gets its configuration as plain values; what one
 * step hands the next (the fetched file, the disk, the VM, the session) goes through {@link BuildKeys}.
 * Cleanups run in reverse.
 */
public final class StagePlanner {

    private final BuildContext build;
    private final MachineDriver driver;
    private final GuestAccess guest;

    /** The build's services may be missing for a plan ({@link io.imagebuilder.internal.build.Preflight}). */
    public StagePlanner(BuildContext build) {
        this.build = build;
        this.driver = build.services().driver().orElse(null);
        this.guest = build.services().guestAccess().orElse(null);
    }

    /**
     * @param parentImage the parent stage's image, for a template that extends one
     * @param vmName      the build VM's unique name
     * @param last        whether this is the chain's final image (sealed, published)
     */
    public List<Step> steps(ImageTemplate t, Optional<Path> parentImage, String vmName, boolean last) {
        Source src = t.source();
        Machine machine = machine(t);
        ImageFiles output = outputImage(t);
        List<Step> steps = new ArrayList<>();
        boolean chroot = needsVm(t, last) && executor(t).executor() == Executor.CHROOT;
        if (needsVm(t, last) && !chroot) {
            steps.add(new CheckHostStep(driver, vmPaths(src, parentImage)));
        }
        steps.add(new WorkDirStep());
        fetchSource(src).ifPresent(steps::add);
        if (src instanceof Source.Parent) {
            steps.add(BuildKeyFiles.fromParent(new ImageFiles(parentImage.orElseThrow(() -> noParent(t)))));
        } else if (t.communicator().temporaryKey() || src instanceof Source.Bootstrap) {
            steps.add(new TemporaryKeyStep(guest));
        }
        if (t.httpDirectory().isPresent() || !t.httpContent().isEmpty()) {
            steps.add(new HttpServerStep(t));
        }
        if (src instanceof Source.Bootstrap b) {
            steps.add(new BootstrapDiskStep(b, machine.diskSizeMb(), build.settings().cacheDir()));
        } else {
            steps.add(new CreateDiskStep(driver, diskKind(src),
                    src instanceof Source.Parent ? parentImage : Optional.empty(), machine.diskSizeMb()));
        }
        if (chroot) {
            steps.add(new MountDiskStep(driver, t.communicator().username()));
            steps.addAll(provisionSteps(t, last));
            steps.add(new UnmountDiskStep());
        } else if (needsVm(t, last)) {
            steps.add(new StartVmStep(driver, vmName, machine, t.communicator().port(), src instanceof Source.Iso,
                    src instanceof Source.Kernel k ? Optional.of(k) : Optional.empty(), t.name()));
            if (src.boot().hasCommand()) {
                steps.add(new BootCommandStep(src.boot(), t.name()));
            }
            if (needsSsh(t, last)) {
                steps.add(new ConnectStep(guest, t.communicator()));
            }
            steps.addAll(provisionSteps(t, last));
            steps.add(new ShutdownStep(t.shutdown()));
        }
        steps.add(new ConvertStep(driver, t.output(), output.image()));
        if (build.settings().verify()) {
            t.verify().ifPresent(v -> steps.add(new VerifyStep(v, driver, build.services().verifier().orElse(null))));
        }
        if (!last && usesBuildKey(t)) {
            steps.add(BuildKeyFiles.keep(output));
        }
        if (last) {
            publishStep(t).ifPresent(steps::add);
        }
        return steps;
    }

    /** What the stage's VM reads or writes on this host: the output and cache folders, and local sources. */
    private List<Path> vmPaths(Source src, Optional<Path> parentImage) {
        List<Path> paths = new ArrayList<>(List.of(build.settings().outputDir(), build.settings().cacheDir()));
        parentImage.ifPresent(paths::add);
        if (src instanceof Source.Kernel k) {
            paths.add(k.kernel());
            paths.add(k.initrd());
        }
        sourceDisk(src).map(Source.DiskImage::location).or(() -> src instanceof Source.Iso iso
                ? Optional.of(iso.url()) : Optional.empty()).filter(l -> !l.contains("://") || l.startsWith("file:"))
                .ifPresent(l -> paths.add(l.startsWith("file:") ? Path.of(java.net.URI.create(l)) : Path.of(l)));
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Each provisioner, then the sealing of the last image, in the session of either executor. */
    private List<Step> provisionSteps(ImageTemplate t, boolean last) {
        List<Step> steps = new ArrayList<>();
        for (ProvisionerSpec p : t.provisioners()) {
            steps.add(new ProvisionStep(p.displayName(), Provisioners.of(p, build.services().provisionerKinds()),
                    build.settings().cacheDir().resolve("downloads")));
        }
        if (last && needsSsh(t, last)) {
            steps.add(new SealImageStep());
        }
        return steps;
    }

    /** Where the stage's provisioners run (VM or chroot) and why. */
    public ExecutorChoice executor(ImageTemplate t) {
        return ExecutorChoice.of(t, build.settings().executor(), driver, build.services().provisionerKinds());
    }

    /** The ISO or disk image to make local: a file is checked, a URL downloaded into the cache. */
    private Optional<Step> fetchSource(Source src) {
        if (src instanceof Source.Iso iso) {
            return Optional.of(new FetchSourceStep(iso.url(), iso.checksum(), build.settings().cacheDir()));
        }
        return sourceDisk(src).map(d -> new FetchSourceStep(d.location(), d.checksum(),
                build.settings().cacheDir()));
    }

    /** The disk image a source starts from: its own, or the one a kernel source boots with. */
    private static Optional<Source.DiskImage> sourceDisk(Source src) {
        return src instanceof Source.DiskImage d ? Optional.of(d)
                : src instanceof Source.Kernel k ? k.disk() : Optional.empty();
    }

    /** New for an installer, an overlay on the parent's image, an overlay on or a copy of a source disk. */
    private static DiskPlan.Kind diskKind(Source src) {
        Optional<Source.DiskImage> disk = sourceDisk(src);
        if (disk.isPresent()) {
            return disk.get().overlay() ? DiskPlan.Kind.OVERLAY : DiskPlan.Kind.COPY;
        }
        return src instanceof Source.Parent ? DiskPlan.Kind.OVERLAY : DiskPlan.Kind.NEW;
    }

    /**
     * Whether the stage boots a VM: to install (ISO, kernel, boot command) or to log in. A disk only converted
     * (no installer, nothing to provision, no key to remove) needs none.
     */
    static boolean needsVm(ImageTemplate t, boolean last) {
        Source src = t.source();
        return src instanceof Source.Iso || src instanceof Source.Kernel || src.boot().hasCommand()
                || needsSsh(t, last);
    }

    /**
     * Whether the stage's disk lets the build key in: bootstrap and temporary_key put it there, a child inherits
     * it.
     */
    static boolean usesBuildKey(ImageTemplate t) {
        return t.source() instanceof Source.Parent || t.source() instanceof Source.Bootstrap
                || t.communicator().temporaryKey();
    }

    /**
     * Whether the stage logs in over SSH: to provision, to run the shutdown command, or to seal the last image
     * (the last image must not let the build key in: see {@link SealImageStep}).
     */
    public static boolean needsSsh(ImageTemplate t, boolean last) {
        return !t.provisioners().isEmpty() || t.shutdown().command().isPresent() || (last && usesBuildKey(t));
    }

    /**
     * The publish step, when the build publishes: with the template's publish settings, or for a template
     * without them (a packme tree has none) private, named after the image, min-disk its disk size.
     */
    public Optional<Step> publishStep(ImageTemplate t) {
        Optional<PublishTarget> target = build.settings().publishTo();
        return target.map(to -> new PublishStep(to, t.publish().orElseGet(() -> defaultPublish(t))));
    }

    static Publish defaultPublish(ImageTemplate t) {
        Publish named = Publish.named(t.name());
        int minDiskGb = (int) ((t.machine().diskSizeMb() + 1023) / 1024);
        return new Publish(named.imageName(), named.visibility(), minDiskGb, named.minRamMb(),
                t.output().format().qemuName(), named.containerFormat(), named.isProtected(), named.properties(),
                named.tags(), named.onConflict());
    }

    /** The machine with the build's overrides (accelerator, headless) applied. */
    private Machine machine(ImageTemplate t) {
        Machine m = t.machine();
        return new Machine(m.cpus(), m.memoryMb(), m.diskSizeMb(),
                build.settings().accelerator().orElse(m.accelerator()),
                build.settings().headless().orElse(m.headless()), m.qemuArgs());
    }

    /** Where a stage's finished image goes: {@code OUTPUT/NAME.qcow2} (or {@code .raw}), and its side files. */
    public ImageFiles outputImage(ImageTemplate t) {
        return new ImageFiles(build.settings().outputDir().resolve(t.name() + "." + t.output().format().qemuName())
                .toAbsolutePath());
    }

    private static IllegalStateException noParent(ImageTemplate t) {
        return new IllegalStateException("'" + t.name() + "' extends '" + t.parent().orElse("?")
                + "' but no parent image was given");
    }
}
