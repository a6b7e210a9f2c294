package io.imagebuilder.provision.visa;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TEST-ONLY STAND-IN FOR THE BUILD VM: a {@link GuestSession} over a real Debian root folder (debootstrap,
 * see visa-it-fixture.sh). Commands run with {@code chroot ROOT /bin/sh -c} inside fresh mount and PID
 * namespaces ({@code unshare}), so the chroot gets its own /proc and any daemon a package starts dies with the
 * command; uploads are copies. Used when the real test guest over SSH is not available.
 */
final class ChrootGuestSession implements GuestSession {

    private final Path root;

    ChrootGuestSession(Path root) {
        this.root = root;
    }

    @Override
    public int run(String command, String source, StepContext ctx) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--pid", "--fork",
                "--mount-proc=" + root.resolve("proc"), "chroot", root.toString(), "/bin/sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // A login's environment, as over SSH: nothing of the host's (PIP_*, proxies, ...) leaks in.
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME", "/root", "USER", "root", "LANG", "C.UTF-8"));
        Process p = pb.start();
        Thread err = pump(p.getErrorStream(), line -> ctx.guestOutput(source, BuildEvent.Stream.STDERR, line));
        Thread out = pump(p.getInputStream(), line -> ctx.guestOutput(source, BuildEvent.Stream.STDOUT, line));
        try {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                ctx.cancellation().check();
            }
        } catch (RuntimeException | InterruptedException e) {
            p.destroyForcibly(); // cancelled: the PID namespace takes every process of the command with it
            throw e;
        }
        out.join();
        err.join();
        return p.exitValue();
    }

    @Override
    public void upload(Path local, String remotePath, StepContext ctx) throws IOException {
        Path target = inRoot(remotePath);
        Files.createDirectories(target.getParent());
        Files.copy(local, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @Override
    public void uploadDirectory(Path localDir, String remoteDir, StepContext ctx) throws Exception {
        Path target = inRoot(remoteDir);
        Files.createDirectories(target);
        TestGuest.exec("cp", "-a", localDir + "/.", target + "/");
    }

    @Override
    public void reconnect(StepContext ctx) {
        // nothing to reconnect: no connection
    }

    @Override
    public void close() {
        // the root folder belongs to the test
    }

    private Path inRoot(String guestPath) {
        Path p = root.resolve(guestPath.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("outside the root: " + guestPath);
        }
        return p;
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                sink.accept("[output lost: " + e.getMessage() + "]");
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
