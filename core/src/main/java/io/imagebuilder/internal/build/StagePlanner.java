package io.imagebuilder.internal.build;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns one image template into the list of steps that builds it. Reading {@link #steps} tells the whole story
 * of a build: work folder, source, key, HTTP server, disk, VM, boot command, SSH, provisioners, shutdown,
 * convert, publish; cleanups run in reverse.
 */
public final class StagePlanner {

    private final BuildSettings settings;
    private final MachineDriver driver;
    private final GuestAccess guest;
    private final ImagePublisher publisher;

    /** Services may be null where the plan does not need them (checked by {@link Preflight}). */
    public StagePlanner(BuildSettings settings, MachineDriver driver, GuestAccess guest, ImagePublisher publisher) {
        this.settings = settings;
        this.driver = driver;
        this.guest = guest;
        this.publisher = publisher;
    }

    public List<Step> steps(ImageTemplate t, Optional<Path> parentImage, String vmName, boolean last) {
        List<Step> steps = new ArrayList<>();
        Machine machine = machine(t);
        steps.add(new WorkDirStep());

        Source src = t.source();
        DiskPlan.Kind diskKind = DiskPlan.Kind.NEW;
        Function<StepContext, Optional<Path>> base = ctx -> Optional.empty();
        Function<StepContext, Optional<Path>> cdrom = ctx -> Optional.empty();
        Function<StepContext, Optional<MachineSpec.KernelBoot>> kernel = ctx -> Optional.empty();
        if (src instanceof Source.Iso iso) {
            steps.add(new FetchSourceStep(iso.url(), iso.checksum(), settings.cacheDir()));
            cdrom = ctx -> ctx.get(BuildKeys.SOURCE_FILE);
        } else if (src instanceof Source.DiskImage d) {
            steps.add(new FetchSourceStep(d.location(), d.checksum(), settings.cacheDir()));
            diskKind = d.overlay() ? DiskPlan.Kind.OVERLAY : DiskPlan.Kind.COPY;
            base = ctx -> ctx.get(BuildKeys.SOURCE_FILE);
        } else if (src instanceof Source.Kernel k) {
            if (k.disk().isPresent()) {
                Source.DiskImage d = k.disk().get();
                steps.add(new FetchSourceStep(d.location(), d.checksum(), settings.cacheDir()));
                diskKind = d.overlay() ? DiskPlan.Kind.OVERLAY : DiskPlan.Kind.COPY;
                base = ctx -> ctx.get(BuildKeys.SOURCE_FILE);
            }
            kernel = ctx -> Optional.of(new MachineSpec.KernelBoot(k.kernel(), k.initrd(),
                    BuildValues.substitute(k.commandLine(),
                            HttpServerStep.values(ctx, ctx.get(BuildKeys.HTTP_SERVER).orElse(null), t.name()))));
        } else if (src instanceof Source.Parent p) {
            Path parentDisk = parentImage.orElseThrow(() -> new IllegalStateException(
                    "'" + t.name() + "' extends '" + p.name() + "' but no parent image was given"));
            diskKind = DiskPlan.Kind.OVERLAY;
            base = ctx -> Optional.of(parentDisk);
        }
        boolean bootstrap = src instanceof Source.Bootstrap;

        // a bootstrapped disk lets in only the build's key; a child's disk only the key its parent's let in
        boolean onParent = src instanceof Source.Parent;
        if (onParent) {
            steps.add(BuildKeyFiles.fromParent(parentImage.orElseThrow()));
        } else if (t.communicator().temporaryKey() || bootstrap) {
            steps.add(new TemporaryKeyStep(guest));
        }
        if (t.httpDirectory().isPresent() || !t.httpContent().isEmpty()) {
            steps.add(new HttpServerStep(t));
        }
        if (bootstrap) {
            steps.add(new BootstrapDiskStep((Source.Bootstrap) src, machine.diskSizeMb(), settings.cacheDir()));
        } else {
            steps.add(new CreateDiskStep(driver, diskKind, base, machine.diskSizeMb()));
        }
        // the last image must not let the build key in (see SealImageStep); a disk only converted (no
        // installer, nothing to provision, no key to remove) needs no VM at all
        boolean needsSsh = needsSsh(t, last);
        boolean installs = src instanceof Source.Iso || src instanceof Source.Kernel || src.boot().hasCommand();
        if (installs || needsSsh) {
            steps.add(new StartVmStep(driver, vmName, machine, cdrom, kernel, t.communicator().port()));
            if (src.boot().hasCommand()) {
                steps.add(new BootCommandStep(src.boot(), t.name()));
            }
            if (needsSsh) {
                steps.add(new ConnectStep(guest, t.communicator()));
            }
            for (ProvisionerSpec p : t.provisioners()) {
                steps.add(new ProvisionStep(guest, p));
            }
            if (last && needsSsh) {
                steps.add(new SealImageStep());
            }
            steps.add(new ShutdownStep(t.shutdown()));
        }
        steps.add(new ConvertStep(driver, t.output(), outputImage(settings, t)));
        if (!last && usesBuildKey(t)) {
            steps.add(BuildKeyFiles.keep(outputImage(settings, t)));
        }
        if (last) {
            publishStep(t).ifPresent(steps::add);
        }
        return steps;
    }

    /** Whether the stage's disk lets the build key in: bootstrap and temporary_key put it there, a child inherits it. */
    static boolean usesBuildKey(ImageTemplate t) {
        return t.source() instanceof Source.Parent || t.source() instanceof Source.Bootstrap
                || t.communicator().temporaryKey();
    }

    /** Whether the stage logs in over SSH: to provision, to run the shutdown command, or to seal the last image. */
    static boolean needsSsh(ImageTemplate t, boolean last) {
        return !t.provisioners().isEmpty() || t.shutdown().command().isPresent() || (last && usesBuildKey(t));
    }

    /** What the steps' own code is: a stage made by other code is rebuilt (see {@link CodeFingerprint}). */
    String codeFingerprint() {
        return "core=" + CodeFingerprint.of(StagePlanner.class)
                + (guest == null ? "" : " guest=" + CodeFingerprint.of(guest.getClass()));
    }

    /**
     * The publish step, when credentials were given: with the template's publish settings, or for a template
     * without them (a packme tree has none) private, named after the image, min-disk its disk size.
     */
    public Optional<Step> publishStep(ImageTemplate t) {
        Optional<OpenStackCredentials> credentials = settings.credentials();
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        Publish publish = t.publish().orElseGet(() -> defaultPublish(t));
        return Optional.of(new PublishStep(publisher, publish, credentials.get()));
    }

    static Publish defaultPublish(ImageTemplate t) {
        Publish named = Publish.named(t.name());
        int minDiskGb = (int) ((t.machine().diskSizeMb() + 1023) / 1024);
        return new Publish(named.imageName(), named.visibility(), minDiskGb, named.minRamMb(),
                t.output().format().qemuName(), named.containerFormat(), named.isProtected(), named.properties(),
                named.tags(), named.onConflict());
    }

    /** The machine with the build's overrides (accelerator, headless) applied. */
    Machine machine(ImageTemplate t) {
        Machine m = t.machine();
        return new Machine(m.cpus(), m.memoryMb(), m.diskSizeMb(), settings.accelerator().orElse(m.accelerator()),
                settings.headless().orElse(m.headless()), m.qemuArgs());
    }

    /** Where a stage's finished image goes: {@code OUTPUT/NAME.qcow2} (or {@code .raw}). */
    public static Path outputImage(BuildSettings settings, ImageTemplate t) {
        return settings.outputDir().resolve(t.name() + "." + t.output().format().qemuName()).toAbsolutePath();
    }
}
