package io.imagebuilder.provision.visa;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.SshGuestAccess;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.template.Communicator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest the VISA ITs provision: the real test VM over SSH ({@code -Dvisa.it.guest=vm}, the default), or the
 * debootstrap chroot stand-in ({@code -Dvisa.it.guest=chroot}).
 */
abstract class TestGuest implements AutoCloseable {

    @Override
    public abstract void close() throws IOException;

    abstract GuestSession session();

    /** How the guest reaches a server bound to the host's 127.0.0.1. */
    abstract String hostAddress();

    abstract String description();

    static TestGuest select(StepContext ctx) throws Exception {
        String kind = System.getProperty("visa.it.guest", "vm");
        return switch (kind) {
            case "vm" -> vm(ctx);
            case "chroot" -> chroot();
            default -> throw new IllegalArgumentException("visa.it.guest must be vm or chroot, got " + kind);
        };
    }

    /** Runs a check command in the guest as root; returns its stdout, fails on a non-zero exit. */
    String output(String command, StepContext ctx) throws Exception {
        List<String> out = new ArrayList<>();
        StepContext capture = new StepContext(ctx.stage(), ctx.workDir(), e -> {
            if (e instanceof BuildEvent.GuestOutput o && o.stream() == BuildEvent.Stream.STDOUT) {
                synchronized (out) {
                    out.add(o.line());
                }
            }
            ctx.emit(e);
        }, ctx.cancellation(), ctx.masker());
        int code = session().run(GuestRun.asRoot("sh -c \"$0\"", command), "check", capture);
        if (code != 0) {
            throw new AssertionError("'" + command + "' exited with " + code + ": " + out);
        }
        synchronized (out) {
            return String.join("\n", out);
        }
    }

    /** A fresh copy of the cached debootstrap root (visa-it-fixture.sh), used through chroot. */
    static TestGuest chroot() throws Exception {
        Path script = resource("visa-it-fixture.sh");
        Process fixture = new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] lines = new String(fixture.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
        if (fixture.waitFor() != 0) {
            throw new IOException("visa-it-fixture.sh failed");
        }
        Path tarball = Path.of(lines[lines.length - 1]);
        Path root = Files.createTempDirectory("visa-chroot-");
        exec("tar", "-xpf", tarball.toString(), "-C", root.toString());
        ChrootGuestSession session = new ChrootGuestSession(root);
        return new TestGuest() {
            @Override
            GuestSession session() {
                return session;
            }

            @Override
            String hostAddress() {
                return "127.0.0.1"; // the chroot shares the host's network
            }

            @Override
            String description() {
                return "chroot stand-in " + root;
            }

            @Override
            public void close() throws IOException {
                exec("rm", "-rf", "--one-file-system", root.toString());
            }
        };
    }

    /**
     * A throwaway copy of the real TCG test guest (scripts/guest-vm.sh, image from
     * qemu-driver/scripts/test-guest.sh), reached over SSH with the project's SshGuestAccess.
     */
    static TestGuest vm(StepContext ctx) throws Exception {
        String name = "ib-visa-it-" + ProcessHandle.current().pid();
        Process p = new ProcessBuilder("scripts/guest-vm.sh", "start", name)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            exec("scripts/guest-vm.sh", "stop", name);
            throw new IOException("guest-vm.sh start failed: " + out);
        }
        Map<String, String> vm = new HashMap<>();
        for (String kv : out.lines().reduce((a, b) -> b).orElseThrow().split(" ")) {
            String[] parts = kv.split("=", 2);
            vm.put(parts[0], parts[1]);
        }
        int port = Integer.parseInt(vm.get("PORT"));
        Communicator root = new Communicator("root", Optional.empty(), Optional.of(Path.of(vm.get("KEY"))), port,
                Duration.ofMinutes(5), false);
        GuestSession session;
        try {
            session = new SshGuestAccess().connect("127.0.0.1", port, root, GuestAccess.TemporaryKey.NONE,
                    () -> serialTail(Path.of(vm.get("SERIAL"))), ctx);
        } catch (Exception e) {
            exec("scripts/guest-vm.sh", "stop", name);
            throw e;
        }
        return new TestGuest() {
            @Override
            GuestSession session() {
                return session;
            }

            @Override
            String hostAddress() {
                return "10.0.2.2"; // QEMU user networking's view of the host's 127.0.0.1
            }

            @Override
            String description() {
                return "test guest VM " + name + " (TCG, SSH on 127.0.0.1:" + port + ")";
            }

            @Override
            public void close() throws IOException {
                try {
                    session.close();
                } finally {
                    exec("scripts/guest-vm.sh", "stop", name);
                }
            }
        };
    }

    private static List<String> serialTail(Path serial) {
        try {
            List<String> all = Files.readAllLines(serial);
            return List.copyOf(all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(TestGuest.class.getResource("/visa/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource visa/" + name, e);
        }
    }

    static void exec(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    static void copyTree(Path from, Path to) {
        try {
            exec("cp", "-a", from.toString(), to.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
