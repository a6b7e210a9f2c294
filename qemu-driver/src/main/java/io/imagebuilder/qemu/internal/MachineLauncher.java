package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.BuildOwner;
import io.imagebuilder.spi.MachineSpec;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Defines and starts a build VM. Everything made on the way (connection, domain, port) is released again when
 * a later part fails, so a failed start leaves nothing behind.
 */
public final class MachineLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(MachineLauncher.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}");
    private static final Pattern VNC_PORT = Pattern.compile("<graphics type='vnc' port='(\\d+)'");
    /** Another process may take our port between the check and QEMU's bind: try a few ports. */
    private static final int PORT_ATTEMPTS = 3;

    private final String uri;
    private final AcceleratorDetector accelerators;

    public MachineLauncher(String uri, AcceleratorDetector accelerators) {
        this.uri = uri;
        this.accelerators = accelerators;
    }

    public LibvirtInstance start(MachineSpec spec, StepContext ctx) throws Exception {
        checkSpec(spec);
        AcceleratorDetector.Choice accel = accelerators.choose(spec.machine().accelerator());
        ctx.info("accelerator " + accel.reason());
        long t0 = System.nanoTime();
        Connect conn = Libvirt.connect(uri);
        try {
            refuseExisting(conn, spec.name());
            Files.createDirectories(spec.serialLog().toAbsolutePath().getParent());
            for (int attempt = 1; ; attempt++) {
                int port = SshPortPool.reserve();
                Map<Integer, Integer> forwards = new LinkedHashMap<>(); // guest port -> host port
                try {
                    for (int guestPort : spec.forwardedPorts()) {
                        forwards.put(guestPort, SshPortPool.reserve());
                    }
                    Domain dom = defineAndStart(conn, spec, accel, port, forwards);
                    try {
                        Optional<String> vnc = vncAddress(dom);
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        ctx.info("domain " + spec.name() + " started in " + ms + " ms (" + accel.accelerator()
                                + ", " + spec.machine().cpus() + " CPU, " + spec.machine().memoryMb()
                                + " MB); SSH: 127.0.0.1:" + port + " -> guest port " + spec.guestSshPort()
                                + forwards.entrySet().stream().map(f -> ", 127.0.0.1:" + f.getValue() + " -> "
                                + f.getKey()).collect(Collectors.joining())
                                + "; serial log: " + spec.serialLog() + vnc.map(v -> "; watch the console: " + v)
                                .orElse(""));
                        if (!spec.machine().headless()) {
                            vnc.ifPresent(v -> ConsoleViewer.open(v, System.getenv(), ctx));
                        }
                        return new LibvirtInstance(uri, conn, dom, spec.name(), port, forwards, vnc,
                                spec.serialLog(), ctx);
                    } catch (RuntimeException | Error e) {
                        destroyQuietly(dom); // started, but nobody would own it
                        throw e;
                    }
                } catch (PortTaken e) {
                    SshPortPool.release(port);
                    forwards.values().forEach(SshPortPool::release);
                    if (attempt >= PORT_ATTEMPTS) {
                        throw new IllegalStateException("domain " + spec.name() + ": " + e.getMessage(), e);
                    }
                    LOG.info("port {} was taken before QEMU bound it; trying another", port);
                } catch (Exception | Error e) {
                    SshPortPool.release(port);
                    forwards.values().forEach(SshPortPool::release);
                    throw e;
                }
            }
        } catch (Exception | Error e) {
            closeQuietly(conn);
            throw e;
        }
    }

    /** Every file the domain needs must exist: libvirt's own error comes only after define, and is vaguer. */
    static void checkSpec(MachineSpec spec) throws IOException {
        if (!NAME.matcher(spec.name()).matches()) {
            throw new IllegalArgumentException("invalid domain name '" + spec.name()
                    + "': use letters, digits, '.', '_', '+', '-' (at most 100)");
        }
        requireFile(spec.disk(), "disk image");
        if (spec.cdrom().isPresent()) {
            requireFile(spec.cdrom().get(), "ISO");
        }
        if (spec.kernelBoot().isPresent()) {
            requireFile(spec.kernelBoot().get().kernel(), "kernel");
            requireFile(spec.kernelBoot().get().initrd(), "initrd");
        }
    }

    private static void requireFile(Path p, String what) throws FileNotFoundException {
        if (!Files.isRegularFile(p)) {
            throw new FileNotFoundException(what + " " + p + " does not exist (or is not a file)");
        }
    }

    /** A clash is reported, never resolved by removing the other domain: it may be another build's. */
    private static void refuseExisting(Connect conn, String name) {
        Domain other;
        try {
            other = conn.domainLookupByName(name);
        } catch (LibvirtException e) {
            return; // no such domain: good
        }
        try {
            other.free();
        } catch (LibvirtException e) {
            LOG.debug("free failed", e);
        }
        throw new IllegalStateException("a libvirt domain named '" + name + "' already exists (another build, or"
                + " a leftover of a killed one). Choose another name, or remove it with: virsh destroy " + name
                + "; virsh undefine " + name);
    }

    private Domain defineAndStart(Connect conn, MachineSpec spec, AcceleratorDetector.Choice accel, int port,
                                  Map<Integer, Integer> forwards) throws PortTaken {
        Map<Integer, Integer> hostToGuest = new LinkedHashMap<>();
        forwards.forEach((guest, host) -> hostToGuest.put(host, guest));
        String xml = DomainXml.of(new DomainXml.Config(spec.name(), accel.domainType(), spec.machine().cpus(),
                spec.machine().memoryMb(), spec.disk().toAbsolutePath(), spec.cdrom().map(Path::toAbsolutePath),
                spec.kernelBoot(), spec.serialLog().toAbsolutePath(), port, spec.guestSshPort(),
                spec.machine().qemuArgs(), BuildOwner.current().domainMetadata(spec.serialLog().getParent()),
                hostToGuest));
        // Transient (created, never defined): the domain ends with its QEMU, so no definition outlives a build,
        // and the owner record lets the next build reap one whose build was killed while QEMU ran on.
        try {
            return conn.domainCreateXML(xml, 0);
        } catch (LibvirtException e) {
            Libvirt.deleteDomainLog(uri, spec.name());
            String msg = Libvirt.message(e);
            if (msg.contains("hostfwd") || msg.contains("host forwarding")) {
                throw new PortTaken("cannot forward 127.0.0.1:" + port + " (or " + hostToGuest.keySet() + "): " + msg);
            }
            throw new IllegalStateException("domain " + spec.name() + " failed to start: " + msg, e);
        }
    }

    private static Optional<String> vncAddress(Domain dom) {
        try {
            Matcher m = VNC_PORT.matcher(dom.getXMLDesc(0));
            return m.find() ? Optional.of("vnc://127.0.0.1:" + m.group(1)) : Optional.empty();
        } catch (LibvirtException e) {
            return Optional.empty();
        }
    }

    private static void destroyQuietly(Domain dom) {
        try {
            if (dom.isActive() == 1) {
                dom.destroy(); // transient: gone with its QEMU
            }
            dom.free();
        } catch (LibvirtException e) {
            LOG.warn("cleaning up a domain that failed to start: {}", Libvirt.message(e));
        }
    }

    private static void closeQuietly(Connect conn) {
        try {
            conn.close();
        } catch (LibvirtException e) {
            LOG.debug("closing libvirt connection failed", e);
        }
    }

    /** QEMU could not bind the host side of the SSH forward. */
    private static final class PortTaken extends Exception {
        PortTaken(String message) {
            super(message);
        }
    }
}
