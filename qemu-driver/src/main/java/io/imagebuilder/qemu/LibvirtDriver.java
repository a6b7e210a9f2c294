package io.imagebuilder.qemu;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.qemu.internal.AcceleratorDetector;
import io.imagebuilder.qemu.internal.DiskConverter;
import io.imagebuilder.qemu.internal.DiskPreparer;
import io.imagebuilder.qemu.internal.DomainReaper;
import io.imagebuilder.qemu.internal.HostCheck;
import io.imagebuilder.qemu.internal.MachineLauncher;
import io.imagebuilder.qemu.internal.chroot.HostDisk;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.HostSystem;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Output;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Runs build VMs through libvirt (libvirt-java over JNA) and converts disks with qemu-img. Needs the host's
 * libvirt, as its distribution configured it; {@code build-image --start-libvirtd} starts a libvirtd on machines
 * without systemd.
 */
public final class LibvirtDriver implements MachineDriver {

    public static final String DEFAULT_URI = "qemu:///system";

    private final String uri;
    private final MachineLauncher launcher;
    private volatile Boolean nativeSpeed; // null until asked

    /**
     * For {@link java.util.ServiceLoader}: connects to {@code LIBVIRT_DEFAULT_URI} (libvirt's own variable) when
     * set, else {@value #DEFAULT_URI}. Images, serial logs and the SSH forward are local to this machine, so the
     * URI names a libvirtd here (qemu:///system, qemu:///session), or one on a host that shares this machine's
     * files and loopback.
     */
    public LibvirtDriver() {
        this(defaultUri(System.getenv()));
    }

    static String defaultUri(java.util.Map<String, String> env) {
        String fromEnv = env.get("LIBVIRT_DEFAULT_URI");
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_URI : fromEnv.trim();
    }

    public LibvirtDriver(String uri) {
        this.uri = uri;
        this.launcher = new MachineLauncher(uri, new AcceleratorDetector());
    }

    public String uri() {
        return uri;
    }

    @Override
    public void prepareDisk(DiskPlan plan, StepContext ctx) throws Exception {
        DiskPreparer.prepare(plan, ctx);
    }

    @Override
    public MachineInstance start(MachineSpec spec, StepContext ctx) throws Exception {
        return launcher.start(spec, ctx);
    }

    @Override
    public void convert(Path source, Path target, Output output, StepContext ctx) throws Exception {
        DiskConverter.convert(source, target, output, ctx);
    }

    /** KVM really works here (the accelerator auto would choose); asked of the host once. */
    @Override
    public boolean runsAtNativeSpeed() {
        if (nativeSpeed == null) {
            nativeSpeed = new AcceleratorDetector().choose(Accelerator.AUTO).accelerator() == Accelerator.KVM;
        }
        return nativeSpeed;
    }

    @Override
    public Optional<String> cannotOpenOnHost() {
        return HostDisk.cannotOpen();
    }

    /** A raw working copy of the disk on a loop device, mounted: see {@link HostDisk}. */
    @Override
    public HostSystem openOnHost(Path disk, String loginUser, StepContext ctx) throws Exception {
        return HostDisk.open(disk, loginUser, ctx);
    }

    /** libvirt answers, and the user it runs QEMU as can enter the folders of {@code paths}. */
    @Override
    public List<String> hostProblems(Collection<Path> paths) {
        return HostCheck.problems(uri, paths);
    }

    /** The domains of killed builds, found by their owner record: {@code new LibvirtDriver().reapOrphans(false)}. */
    @Override
    public List<String> reapOrphans(boolean dryRun) {
        return DomainReaper.reap(uri, dryRun);
    }
}
