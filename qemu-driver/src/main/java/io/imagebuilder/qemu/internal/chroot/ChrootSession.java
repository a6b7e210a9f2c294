package io.imagebuilder.qemu.internal.chroot;

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
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * The chroot executor's {@link GuestSession}: each command runs as root in {@code chroot ROOT /bin/sh -c}, with
 * the environment of a login (HOME the template's SSH user's home) and this host's proxy variables (the guest's
 * traffic went through this host anyway); files go in through the chroot's own {@code cat} and {@code tar}, so a
 * symbolic link in the image can never lead a write out of it.
 */
final class ChrootSession implements GuestSession {

    private static final List<String> PROXY_VARIABLES = List.of("http_proxy", "https_proxy", "no_proxy",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY");

    private final Path root;
    private final String home;

    /** @param home the login user's home: $HOME of every command (the seal finds the build key there) */
    ChrootSession(Path root, String home) {
        this.root = root;
        this.home = home;
    }

    @Override
    public int run(String command, String source, StepContext ctx) throws Exception {
        return exec(List.of("/bin/sh", "-c", command), null, source, ctx);
    }

    @Override
    public void upload(Path local, String remotePath, StepContext ctx) throws Exception {
        String mode = mode(Files.getPosixFilePermissions(local));
        int exit = exec(List.of("/bin/sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\" && chmod " + mode
                + " \"$1\"", "sh", remotePath), local, "upload", ctx);
        if (exit != 0) {
            throw new IOException("writing " + remotePath + " in the chroot failed (exit " + exit + ")");
        }
    }

    @Override
    public void uploadDirectory(Path localDir, String remoteDir, StepContext ctx) throws Exception {
        Path tar = Files.createTempFile(root.getParent(), "upload", ".tar");
        try {
            HostCommands.run("tar", "-c", "-f", tar.toString(), "-C", localDir.toString(), ".");
            int exit = exec(List.of("/bin/sh", "-c", "mkdir -p \"$1\" && tar -x -p --no-same-owner -f - -C \"$1\"",
                    "sh", remoteDir), tar, "upload", ctx);
            if (exit != 0) {
                throw new IOException("unpacking " + localDir + " into " + remoteDir + " failed (exit " + exit + ")");
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /** Nothing to reconnect to: a stage that reboots is given the VM executor (see the plan). */
    @Override
    public void reconnect(StepContext ctx) {
    }

    @Override
    public void close() {
    }

    private int exec(List<String> command, Path stdin, String source, StepContext ctx) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chroot", root.toString()));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        Map<String, String> host = Map.copyOf(env);
        env.clear();
        env.putAll(Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME", home,
                "USER", "root", "LOGNAME", "root", "SHELL", "/bin/sh", "LANG", "C.UTF-8"));
        PROXY_VARIABLES.stream().filter(host::containsKey).forEach(v -> env.put(v, host.get(v)));
        pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile())
                : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        Thread out = follow(p.getInputStream(), source, BuildEvent.Stream.STDOUT, ctx);
        Thread err = follow(p.getErrorStream(), source, BuildEvent.Stream.STDERR, ctx);
        try {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (ctx.cancellation().isCancelled()) {
                    stop(p);
                    throw new CancellationException("build cancelled while " + source + " ran in the chroot");
                }
            }
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while " + source + " ran in the chroot");
        }
        out.join(5000);
        err.join(5000);
        return p.exitValue();
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
    }

    private static Thread follow(InputStream in, String source, BuildEvent.Stream stream, StepContext ctx) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    ctx.guestOutput(source, stream, line);
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "chroot-" + stream.name().toLowerCase(java.util.Locale.ROOT));
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return Integer.toOctalString(m);
    }
}
