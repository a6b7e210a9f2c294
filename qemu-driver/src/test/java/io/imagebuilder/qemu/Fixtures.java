package io.imagebuilder.qemu;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Sets up the real components the ITs use through this module's idempotent scripts, and small helpers. */
final class Fixtures {

    private Fixtures() {
    }

    /** Starts libvirtd (no-op when it runs). */
    static void libvirtd() throws Exception {
        run(600, "scripts/libvirtd-start.sh");
    }

    /** Builds or reuses the Debian test guest; returns its folder. */
    static Path testGuest() throws Exception {
        List<String> out = run(1200, "scripts/test-guest.sh");
        return Path.of(out.get(out.size() - 1).strip());
    }

    /** Runs a command; returns its stdout lines; fails with its output when it fails or times out. */
    static List<String> run(long timeoutSeconds, String... cmd) throws Exception {
        Path log = Files.createTempFile("ib-driver-it", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8) + Files.readString(log));
            }
            return List.of(new String(out, StandardCharsets.UTF_8).split("\n"));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Every libvirt domain name, running or not. */
    static List<String> allDomains() throws Exception {
        return run(30, "virsh", "-c", LibvirtDriver.DEFAULT_URI, "list", "--all", "--name").stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Files libvirt keeps for a domain; none may remain after close(). */
    static List<Path> libvirtFilesOf(String domain) {
        return List.of(Path.of("/etc/libvirt/qemu", domain + ".xml"), Path.of("/run/libvirt/qemu", domain + ".xml"),
                        Path.of("/run/libvirt/qemu", domain + ".pid"), Path.of("/var/log/libvirt/qemu", domain + ".log"))
                .stream().filter(Files::exists).toList();
    }

    /** {@code ssh -i KEY -p PORT root@127.0.0.1 COMMAND} with the OpenSSH client; null when it fails. */
    static String ssh(Path key, int port, String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList("ssh", "-q", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5",
                "-i", key.toString(), "-p", Integer.toString(port), "root@127.0.0.1", command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }

    /** A step context that records every event. */
    static final class Recorder {
        final List<BuildEvent> events = new CopyOnWriteArrayList<>();
        final Cancellation cancellation = new Cancellation();
        final StepContext ctx;

        Recorder(Path workDir) {
            ctx = new StepContext("it", workDir, e -> {
                events.add(e);
                if (e instanceof BuildEvent.Message m) {
                    System.out.println("[" + m.level() + "] " + m.text());
                }
            }, cancellation, new SecretMasker());
        }

        List<String> messages() {
            return events.stream().filter(e -> e instanceof BuildEvent.Message)
                    .map(e -> ((BuildEvent.Message) e).text()).toList();
        }

        List<BuildEvent.Progress> progress() {
            return events.stream().filter(e -> e instanceof BuildEvent.Progress)
                    .map(e -> (BuildEvent.Progress) e).toList();
        }
    }
}
