package io.imagebuilder;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.DiskPlan;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.MachineSpec;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-memory driver and guest access that record what the build asked of them (a shell provisioner's command
 * as "provision NAME"). They test the orchestration's
 * edge cases (cleanup order, cancellation, reuse) that the real components cannot produce on demand; the real
 * end-to-end build is tested against libvirt and a real guest in the examples module.
 */
final class RecordingServices implements MachineDriver, GuestAccess {

    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Called with a provisioner's name when it runs its command in the guest. */
    volatile Consumer<String> onProvision = name -> { };

    @Override
    public void prepareDisk(DiskPlan plan, StepContext ctx) throws Exception {
        calls.add("disk " + plan.kind() + plan.base().map(b -> " " + b.getFileName()).orElse(""));
        Files.writeString(plan.target(), "disk of " + ctx.stage());
    }

    @Override
    public MachineInstance start(MachineSpec spec, StepContext ctx) {
        calls.add("start " + spec.name().replaceAll("-[0-9a-f]{8}$", ""));
        return new MachineInstance() {
            boolean closed;

            public String name() { return spec.name(); }
            public String sshHost() { return "127.0.0.1"; }
            public int sshPort() { return 2222; }
            public Optional<String> vncAddress() { return Optional.of("vnc://127.0.0.1:5900"); }
            public List<String> serialTail(int lines) { return List.of("login:"); }
            public void typeBootCommand(String command, Duration keyInterval, StepContext c) {
                calls.add("type " + command);
            }
            public boolean isRunning() { return !closed; }
            public boolean waitForShutOff(Duration timeout, StepContext c) { calls.add("wait-off"); return true; }
            public void powerOff(Duration grace, StepContext c) { calls.add("power-off"); }
            public void close() {
                if (!closed) {
                    closed = true;
                    calls.add("destroy " + spec.name().replaceAll("-[0-9a-f]{8}$", ""));
                }
            }
        };
    }

    @Override
    public void convert(Path source, Path target, Output output, StepContext ctx) throws Exception {
        calls.add("convert " + output.compression());
        Files.copy(source, target);
    }

    @Override
    public TemporaryKey createTemporaryKey(Path dir) throws java.io.IOException {
        return new TemporaryKey(Files.writeString(dir.resolve("key"), "private"), "ssh-ed25519 AAAA test");
    }

    @Override
    public GuestSession connect(String host, int port, Communicator communicator, TemporaryKey key,
                                java.util.function.Supplier<List<String>> serialTail, StepContext ctx) {
        calls.add("connect " + communicator.username()
                + (key.privateKey() == null ? "" : " key " + key.privateKey().getFileName()));
        return new GuestSession() {
            public int run(String command, String source, StepContext c) {
                if (source.matches("(shell|file)\\[\\d+]")) { // a provisioner's own command
                    calls.add("provision " + source);
                    onProvision.accept(source);
                } else if (!source.equals("cleanup")) { // not its script's removal
                    calls.add("run " + command);
                }
                return 0;
            }
            public void upload(Path local, String remotePath, StepContext c) { }
            public void uploadDirectory(Path localDir, String remoteDir, StepContext c) { }
            public void reconnect(StepContext c) { }
            public void close() { calls.add("disconnect"); }
        };
    }
}
