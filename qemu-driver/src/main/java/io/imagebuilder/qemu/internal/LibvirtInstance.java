package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineInstance;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.KeycodeSet;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A started build VM: one libvirt connection and domain, one reserved SSH port, all released by close(). */
public final class LibvirtInstance implements MachineInstance {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtInstance.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** How long a cleanup waits for a libvirtd that went away to answer again. */
    static final Duration RECONNECT = Duration.ofSeconds(60);

    private final Connect conn;
    private final Domain domain;
    private final String name;
    private final int sshPort;
    private final Map<Integer, Integer> forwarded;
    private final Optional<String> vnc;
    private final Path serialLog;
    private final String uri;
    private final SerialFollower follower;
    private boolean closed;

    /** Takes over the connection, domain and port; starts following the serial log into {@code ctx}. */
    public LibvirtInstance(String uri, Connect conn, Domain domain, String name, int sshPort,
                           Map<Integer, Integer> forwarded, Optional<String> vnc, Path serialLog, StepContext ctx) {
        this.forwarded = Map.copyOf(forwarded);
        this.uri = uri;
        this.follower = new SerialFollower(serialLog, ctx, name);
        this.follower.start();
        this.conn = conn;
        this.domain = domain;
        this.name = name;
        this.sshPort = sshPort;
        this.vnc = vnc;
        this.serialLog = serialLog;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String sshHost() {
        return "127.0.0.1";
    }

    @Override
    public int sshPort() {
        return sshPort;
    }

    @Override
    public int forwardedPort(int guestPort) {
        Integer port = forwarded.get(guestPort);
        if (port == null) {
            throw new IllegalArgumentException("guest port " + guestPort + " is not forwarded (only "
                    + forwarded.keySet() + ")");
        }
        return port;
    }

    @Override
    public Optional<String> vncAddress() {
        return vnc;
    }

    @Override
    public List<String> serialTail(int lines) {
        return SerialLog.tail(serialLog, lines);
    }

    @Override
    public void typeBootCommand(String command, Duration keyInterval, StepContext ctx) throws Exception {
        List<BootAction> actions = BootCommandParser.parse(command);
        ctx.info("typing boot command (" + actions.size() + " actions, " + keyInterval.toMillis() + " ms between keys)");
        for (BootAction a : actions) {
            ctx.cancellation().check();
            if (a instanceof BootAction.Wait w) {
                ctx.cancellation().sleep(w.duration());
            } else if (a instanceof BootAction.Press p) {
                int[] codes = p.codes().stream().mapToInt(Integer::intValue).toArray();
                try {
                    domain.sendKey(KeycodeSet.LINUX, 0, codes);
                } catch (LibvirtException e) {
                    throw new IllegalStateException("domain " + name + ": cannot send key " + p.label() + ": "
                            + Libvirt.message(e), e);
                }
                ctx.cancellation().sleep(keyInterval);
            }
        }
    }

    @Override
    public synchronized boolean isRunning() {
        if (closed) {
            return false;
        }
        try {
            return domain.isActive() == 1;
        } catch (LibvirtException e) {
            if (Libvirt.isNoDomain(e)) {
                return false; // gone
            }
            // e.g. libvirtd restarted: "shut off" would let the build convert a disk the VM still writes
            throw new IllegalStateException("domain " + name + ": cannot tell whether it still runs: "
                    + (Libvirt.isConnectionLost(e) ? "libvirtd went away (" + Libvirt.message(e) + ")"
                    : Libvirt.message(e)), e);
        }
    }

    @Override
    public boolean waitForShutOff(Duration timeout, StepContext ctx) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (isRunning()) {
            if (System.nanoTime() >= end) {
                return false;
            }
            ctx.cancellation().sleep(POLL);
        }
        return true;
    }

    @Override
    public void powerOff(Duration grace, StepContext ctx) throws Exception {
        if (!isRunning()) {
            return;
        }
        ctx.info("domain " + name + ": sending ACPI power-off, waiting up to " + grace.toSeconds() + " s");
        try {
            domain.shutdown();
        } catch (LibvirtException e) {
            ctx.warn("domain " + name + ": ACPI power-off failed: " + Libvirt.message(e));
        }
        if (waitForShutOff(grace, ctx)) {
            ctx.info("domain " + name + ": shut off after ACPI power-off");
            return;
        }
        ctx.warn("domain " + name + ": still running " + grace.toSeconds() + " s after ACPI power-off: hard stop");
        destroyQuietly();
    }

    /**
     * Destroys the (transient) domain, frees the port and the connection; safe to repeat. When libvirtd went
     * away (it was killed, or restarted), the destroy is retried on new connections for {@link #RECONNECT}, so
     * the domain still goes when libvirtd comes back. What could not be undone is thrown after everything else
     * was tried, with the command that undoes it, so the build reports it as a failed cleanup.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        follower.stop();
        Optional<String> failure;
        try {
            failure = destroy(domain);
            if (failure.isPresent() && Libvirt.isConnectionLost(failure.get())) {
                LOG.warn("domain {}: libvirtd went away ({}); retrying for {} s", name, failure.get(),
                        RECONNECT.toSeconds());
                failure = destroyOnNewConnections();
            }
            Libvirt.deleteDomainLog(uri, name);
            try {
                domain.free();
            } catch (LibvirtException e) {
                LOG.debug("domain {}: free failed: {}", name, Libvirt.message(e));
            }
            try {
                conn.close();
            } catch (LibvirtException e) {
                LOG.debug("closing the libvirt connection failed: {}", Libvirt.message(e));
            }
        } finally {
            SshPortPool.release(sshPort);
            forwarded.values().forEach(SshPortPool::release);
        }
        if (failure.isPresent()) {
            throw new IllegalStateException("domain " + name + " may be left behind: " + failure.get()
                    + "; remove it with: virsh -c " + uri + " destroy " + name);
        }
    }

    /** Empty when the domain is gone: destroyed now, or already (its QEMU was killed). */
    private static Optional<String> destroy(Domain dom) {
        try {
            if (dom.isActive() == 1) {
                dom.destroy();
            }
            return Optional.empty();
        } catch (LibvirtException e) {
            return Libvirt.isNoDomain(e) || Libvirt.isNotRunning(e) ? Optional.empty()
                    : Optional.of("destroy failed: " + Libvirt.message(e));
        }
    }

    private Optional<String> destroyOnNewConnections() {
        long end = System.nanoTime() + RECONNECT.toNanos();
        String last = "libvirtd did not come back within " + RECONNECT.toSeconds() + " s";
        while (System.nanoTime() < end) {
            try {
                Connect again = new Connect(uri);
                try {
                    Domain dom = again.domainLookupByName(name);
                    Optional<String> failure = destroy(dom);
                    dom.free();
                    if (failure.isEmpty() || !Libvirt.isConnectionLost(failure.get())) {
                        return failure;
                    }
                } catch (LibvirtException e) {
                    if (Libvirt.isNoDomain(e)) {
                        return Optional.empty();
                    }
                    last = Libvirt.message(e);
                } finally {
                    again.close();
                }
            } catch (LibvirtException e) {
                last = "libvirtd does not answer: " + Libvirt.message(e);
            }
            try {
                Thread.sleep(POLL.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.of(last);
    }

    private void destroyQuietly() {
        destroy(domain).ifPresent(failure -> LOG.warn("domain {}: {}", name, failure));
    }
}
