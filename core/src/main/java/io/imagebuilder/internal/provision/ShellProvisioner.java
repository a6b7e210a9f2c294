package io.imagebuilder.internal.provision;

import io.imagebuilder.pipeline.OutputTail;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packer's shell provisioner: inline commands become one {@code #!/bin/sh -e} script; each script is uploaded to
 * {@code /tmp/script_NNNN.sh} and run through {@code execute_command}.
 */
public final class ShellProvisioner {

    static final String INLINE_SHEBANG = "#!/bin/sh -e";
    private static final Pattern VARS = Pattern.compile("\\{\\{\\s*\\.Vars\\s*}}");
    private static final Pattern PATH = Pattern.compile("\\{\\{\\s*\\.Path\\s*}}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ShellProvisioner() {
    }

    public static void run(ProvisionerSpec.Shell spec, GuestSession guest, StepContext ctx) throws Exception {
        List<Script> scripts = new ArrayList<>();
        Path inline = null;
        try {
            if (!spec.inline().isEmpty()) {
                inline = writeInline(spec, ctx);
                scripts.add(new Script("inline commands", inline));
            }
            for (Path p : spec.scripts()) {
                scripts.add(new Script("script " + p, p));
            }
            for (Script s : scripts) {
                runScript(spec, s, guest, ctx);
            }
        } finally {
            if (inline != null) {
                Files.deleteIfExists(inline);
            }
        }
    }

    private record Script(String name, Path local) {}

    private static void runScript(ProvisionerSpec.Shell spec, Script script, GuestSession guest, StepContext ctx)
            throws Exception {
        if (!Files.isRegularFile(script.local())) {
            throw new ProvisionerFailedException(spec, script.name() + " does not exist", List.of(), null);
        }
        String remote = String.format("/tmp/script_%04d.sh", RANDOM.nextInt(10_000));
        guest.upload(script.local(), remote, ctx);
        OutputTail tail = OutputTail.lastLines();
        // Packer makes the script 0755 whatever its local mode, so any execute_command (sudo -u ...) can run it
        String command = "chmod 0755 " + ShellQuote.quote(remote) + " && "
                + command(spec.executeCommand(), spec.environment(), remote);
        ctx.info(spec.displayName() + ": running " + script.name());
        int status = guest.run(command, spec.displayName(), OutputTail.capture(ctx, tail));
        if (spec.expectDisconnect() && (status == -1 || killedByShutdown(status))) {
            ctx.info(spec.displayName() + ": " + script.name() + " dropped the connection (expected); reconnecting");
            guest.reconnect(ctx);
        } else if (status == -1) {
            throw new ProvisionerFailedException(spec, "the SSH connection dropped while " + script.name()
                    + " ran (set expect_disconnect if it reboots the guest)", tail.lines(), null);
        } else if (status != 0) {
            throw new ProvisionerFailedException(spec, script.name(), status, tail.lines());
        }
        removeQuietly(guest, remote, ctx);
    }

    /** Killed by SIGHUP, SIGTERM or SIGKILL: what a reboot or poweroff does to the session's processes. */
    private static boolean killedByShutdown(int status) {
        return status == 128 + 1 || status == 128 + 15 || status == 128 + 9;
    }

    /** The script is left in /tmp if this fails (e.g. the guest is going down after {@code reboot}). */
    private static void removeQuietly(GuestSession guest, String remote, StepContext ctx) {
        try {
            guest.run("rm -f " + remote, "cleanup", ctx);
        } catch (java.util.concurrent.CancellationException e) {
            throw e;
        } catch (Exception e) {
            ctx.log(io.imagebuilder.BuildEvent.Level.DEBUG, "could not remove " + remote + ": " + e.getMessage());
        }
    }

    /** execute_command with {{ .Vars }} (sorted, single-quoted assignments) and {{ .Path }} filled in. */
    static String command(String executeCommand, Map<String, String> environment, String remotePath) {
        String template = executeCommand == null || executeCommand.isBlank()
                ? ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND : executeCommand;
        StringBuilder vars = new StringBuilder();
        new TreeMap<>(environment).forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("environment variable name '" + k + "' is not a shell name");
            }
            vars.append(vars.length() == 0 ? "" : " ").append(k).append('=').append(ShellQuote.quote(v));
        });
        String withVars = VARS.matcher(template).replaceAll(Matcher.quoteReplacement(vars.toString()));
        return PATH.matcher(withVars).replaceAll(Matcher.quoteReplacement(remotePath));
    }

    private static Path writeInline(ProvisionerSpec.Shell spec, StepContext ctx) throws java.io.IOException {
        Path dir = Files.createDirectories(ctx.workDir());
        Path file = Files.createTempFile(dir, "inline-", ".sh");
        StringBuilder text = new StringBuilder(INLINE_SHEBANG).append('\n');
        spec.inline().forEach(line -> text.append(line).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
