package io.imagebuilder.provision.visa.verify;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.SshGuestAccess;
import io.imagebuilder.provision.visa.OwnerBootScriptProvisioner;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.Verify;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway instance of the image, started as VISA starts one: a qcow2 overlay (the image is never written),
 * NoCloud metadata served over HTTP ({@code ds=nocloud-net} in the SMBIOS serial, as VISA's Proxmox provider
 * does) with the owner, screen, keyboard and a fresh PAM public key, and user-data that runs the image's boot
 * command. For reading the guest's logs, user-data also lets in a one-off SSH key for root. Closing it
 * destroys the VM and removes the overlay, the seed and the key.
 */
final class VerifyInstance implements AutoCloseable {

    static final int GUACD_PORT = 4822;
    static final int RDP_PORT = 3389;
    static final int JUPYTER_PORT = 8888;
    private static final int SSH_PORT = 22;
    /** The host as QEMU's user network shows it to the guest. */
    private static final String HOST_FROM_GUEST = "10.0.2.2";

    final Verify spec;
    final String instanceId;
    final KeyPair pamKeys;
    private final StepContext ctx;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private MachineInstance vm;
    private GuestSession session;
    private String guestIp;

    private VerifyInstance(Verify spec, StepContext ctx) {
        this.spec = spec;
        this.ctx = ctx;
        this.instanceId = Integer.toString(1000 + ThreadLocalRandom.current().nextInt(9000));
        this.pamKeys = VisaToken.newKeyPair();
    }

    static VerifyInstance boot(Path image, Verify spec, MachineDriver driver, Path dir, StepContext ctx)
            throws Exception {
        VerifyInstance i = new VerifyInstance(spec, ctx);
        try {
            i.start(image, driver, dir);
            return i;
        } catch (Exception | Error e) {
            i.close();
            throw e;
        }
    }

    private void start(Path image, MachineDriver driver, Path dir) throws Exception {
        GuestAccess ssh = new SshGuestAccess();
        GuestAccess.TemporaryKey key = ssh.createTemporaryKey(dir);
        HttpFileServer seed = HttpFileServer.startOnLoopback(null, Map.of(
                "meta-data", metaData(spec, instanceId, VisaToken.publicKeyPem(pamKeys.getPublic()))
                        .getBytes(StandardCharsets.UTF_8),
                "user-data", userData(spec, key.publicKeyLine()).getBytes(StandardCharsets.UTF_8),
                "vendor-data", "#cloud-config\n{}\n".getBytes(StandardCharsets.UTF_8)), ctx::info);
        opened.add(seed);
        Path overlay = dir.resolve("instance.qcow2");
        driver.prepareDisk(new DiskPlan(DiskPlan.Kind.OVERLAY, Optional.of(image), 0, overlay), ctx);
        String serial = "type=1,serial=ds=nocloud-net;s=http://" + HOST_FROM_GUEST + ":" + seed.port() + "/";
        Machine machine = new Machine(2, 3072, 1, Accelerator.AUTO, true, List.of(List.of("-smbios", serial)));
        List<Integer> ports = new ArrayList<>();
        if (spec.desktop()) {
            ports.add(GUACD_PORT);
        }
        if (spec.jupyterLab()) {
            ports.add(JUPYTER_PORT);
        }
        vm = driver.start(new MachineSpec("imagebuilder-verify-" + ProcessHandle.current().pid() + "-" + instanceId,
                machine, overlay, Optional.empty(), Optional.empty(), dir.resolve("serial.log"), SSH_PORT, ports),
                ctx);
        opened.add(vm);
        Communicator root = new Communicator("root", Optional.empty(), Optional.empty(), SSH_PORT, spec.timeout(),
                false);
        session = ssh.connect(vm.sshHost(), vm.sshPort(), root, key, () -> vm.serialTail(30), ctx);
        opened.add(session::close);
    }

    /** VISA's metadata, as NoCloud meta-data ({@code cloud-init query ds.meta_data.meta.owner}). */
    static String metaData(Verify spec, String instanceId, String publicKeyPem) {
        StringBuilder m = new StringBuilder();
        m.append("instance-id: visa-verify-").append(instanceId).append('\n');
        m.append("local-hostname: visa-").append(instanceId).append('\n');
        m.append("meta:\n");
        m.append("  id: \"").append(instanceId).append("\"\n");
        m.append("  uid: \"").append(instanceId).append("\"\n");
        m.append("  owner: ").append(spec.owner()).append('\n');
        m.append("  screenWidth: \"").append(spec.screenWidth()).append("\"\n");
        m.append("  screenHeight: \"").append(spec.screenHeight()).append("\"\n");
        m.append("  keyboardLayout: ").append(spec.keyboardLayout()).append('\n');
        m.append("  instruments: \"\"\n  proposals: \"\"\n");
        m.append("  pamPublicKey: |\n");
        publicKeyPem.lines().forEach(l -> m.append("    ").append(l).append('\n'));
        return m.toString();
    }

    /**
     * The image's boot command as VISA passes it ({@code runcmd}): the template's, else the ILL's owner script
     * (what {@code build-image owner-script} prints for VISA's admin UI); before it, the verifier's SSH key is
     * let in early ({@code bootcmd}).
     */
    static String userData(Verify spec, String sshKeyLine) {
        StringBuilder u = new StringBuilder("#cloud-config\nbootcmd:\n");
        u.append("  - [sh, -c, 'install -d -m 700 /root/.ssh && printf \"%s\\\\n\" \"$0\" >>")
                .append(" /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys', ")
                .append(yamlQuote(sshKeyLine)).append("]\n");
        u.append("runcmd:\n");
        if (spec.bootCommand().isPresent()) {
            u.append("  - ").append(yamlQuote(spec.bootCommand().get())).append('\n');
        } else {
            u.append("  - |\n");
            OwnerBootScriptProvisioner.script().lines().forEach(l -> u.append("    ").append(l).append('\n'));
        }
        return u.toString();
    }

    private static String yamlQuote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    int forwardedPort(int guestPort) {
        return vm.forwardedPort(guestPort);
    }

    String host() {
        return vm.sshHost();
    }

    /** The instance's own address, as VISA knows it (asked once). */
    String guestIp() throws Exception {
        if (guestIp == null) {
            guestIp = sh("hostname -I | awk '{print $1}'");
        }
        return guestIp;
    }

    /** Runs {@code command} as root in the guest; its stdout, or an exception quoting its output. */
    String sh(String command) throws Exception {
        Result r = run(command);
        if (r.code() != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + r.code() + ": " + r.output());
        }
        return r.output();
    }

    record Result(int code, String output) {}

    Result run(String command) throws Exception {
        List<String> out = new ArrayList<>();
        StepContext quiet = new StepContext(ctx.stage(), ctx.workDir(), e -> {
            if (e instanceof BuildEvent.GuestOutput o) {
                synchronized (out) {
                    out.add(o.line());
                }
            }
        }, ctx.cancellation(), ctx.masker());
        int code = session.run(command, "verify", quiet);
        synchronized (out) {
            return new Result(code, String.join("\n", out).strip());
        }
    }

    /** Waits (polling every 3 s) until {@code command} succeeds in the guest; false when {@code limit} passed. */
    boolean await(String command, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            if (run(command).code() == 0) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            ctx.cancellation().sleep(Duration.ofSeconds(3));
        }
    }

    /** The last lines of guest logs, for a failure's message ({@code files} that do not exist are skipped). */
    String logTail(int lines, String... files) {
        StringBuilder b = new StringBuilder();
        for (String f : files) {
            try {
                Result r = run("tail -n " + lines + " " + f + " 2>/dev/null");
                if (!r.output().isEmpty()) {
                    b.append("\n--- ").append(f).append(":\n").append(r.output());
                }
            } catch (Exception e) {
                b.append("\n--- ").append(f).append(": ").append(e.getMessage());
            }
        }
        return b.toString();
    }

    List<String> serialTail(int lines) {
        return vm == null ? List.of() : vm.serialTail(lines);
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                ctx.warn("verify: cleaning up: " + e.getMessage());
            }
        }
        opened.clear();
    }

}
