package io.imagebuilder.spi;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Output;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Runs build VMs. Implemented by the qemu-driver module (libvirt), found with {@link java.util.ServiceLoader};
 * a caller may also hand one to the builder directly.
 */
public interface MachineDriver {

    /** Makes the build VM's disk as {@code plan} says. The caller deletes {@code plan.target()} in cleanup. */
    void prepareDisk(DiskPlan plan, StepContext ctx) throws Exception;

    /**
     * Defines and starts the VM. The returned instance is closed by the caller in cleanup, which must destroy
     * the domain (leaving no definition behind) and free its ports, whatever state it is in.
     */
    MachineInstance start(MachineSpec spec, StepContext ctx) throws Exception;

    /**
     * Writes the finished disk {@code source} to {@code target} in the output's format, compacting and
     * compressing as asked, with progress events. A backing chain is flattened. On failure or cancellation
     * {@code target} is deleted; the caller moves a complete one into place.
     */
    void convert(Path source, Path target, Output output, StepContext ctx) throws Exception;

    /**
     * Whether this driver's VMs run at native speed here (KVM really works). Where they do not, the chroot
     * executor provisions stages that need no booted system ({@link io.imagebuilder.template.Executor#AUTO}).
     */
    default boolean runsAtNativeSpeed() {
        return true;
    }

    /** Whether {@link #openOnHost} works here (root, loop devices); says why not otherwise. */
    default Optional<String> cannotOpenOnHost() {
        return Optional.of("this driver cannot open disks on the host");
    }

    /**
     * Opens the stage's disk (with its backing chain) on this host for the chroot executor, its files under
     * {@code ctx.workDir()}; commands run with the home of {@code loginUser} (the template's SSH user). The
     * caller closes it.
     */
    default HostSystem openOnHost(Path disk, String loginUser, StepContext ctx) throws Exception {
        throw new UnsupportedOperationException(cannotOpenOnHost().orElse("not supported"));
    }

    /**
     * What would keep this driver's VMs from starting on this host, asked before a stage makes anything: the
     * hypervisor does not answer, or cannot reach {@code paths} (folders and files the VMs will use). One
     * sentence each that says what to do; empty when all is well.
     */
    default List<String> hostProblems(Collection<Path> paths) throws Exception {
        return List.of();
    }

    /**
     * Removes what builds that no longer run left behind with this driver (a VM whose build was killed), or with
     * {@code dryRun} only says what it would remove; one line each. Never touches what is not a build's, or
     * belongs to a build that still runs (see {@link BuildOwner}).
     */
    default List<String> reapOrphans(boolean dryRun) throws Exception {
        return List.of();
    }
}
