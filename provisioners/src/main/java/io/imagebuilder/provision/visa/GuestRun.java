package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.pipeline.OutputTail;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.ProvisionerSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One provisioner run in the guest: generated files are collected in a local payload folder, uploaded as one tar
 * stream to a fresh folder under /var/tmp (disk, not a RAM /tmp: builds happen there), then {@code install.sh}
 * runs as root (through {@code sudo -n} when the SSH user is not root). Both folders are removed afterwards.
 */
final class GuestRun {

    static final String REMOTE_BASE = "/var/tmp/imagebuilder-visa/";

    private final ProvisionerSpec.Custom spec;
    private final String name;
    private final GuestSession guest;
    private final StepContext ctx;
    private final Proxy proxy;
    private final Path payload;
    private final String remoteDir;
    private final Map<String, Path> extraUploads = new LinkedHashMap<>();

    GuestRun(ProvisionerSpec.Custom spec, GuestSession guest, StepContext ctx, Proxy proxy) throws IOException {
        this.spec = spec;
        this.name = spec.displayName();
        String type = spec.type();
        this.guest = guest;
        this.ctx = ctx;
        this.proxy = proxy;
        Files.createDirectories(ctx.workDir());
        this.payload = Files.createTempDirectory(ctx.workDir(), "visa-" + type + "-");
        byte[] id = new byte[4];
        ThreadLocalRandom.current().nextBytes(id);
        this.remoteDir = REMOTE_BASE + type + "-" + HexFormat.of().formatHex(id);
        proxy.passwords().forEach(ctx.masker()::add);
    }

    StepContext context() {
        return ctx;
    }

    /** The guest path of a payload file. */
    String remote(String fileName) {
        return remoteDir + "/" + fileName;
    }

    void addText(String fileName, String content) throws IOException {
        Files.createDirectories(payload.resolve(fileName).getParent());
        Files.writeString(payload.resolve(fileName), content, StandardCharsets.UTF_8);
    }

    /** A local file or folder uploaded (streamed, not copied locally) to {@link #remote(String) remote(fileName)}. */
    void addUpload(Path local, String fileName) {
        extraUploads.put(fileName, local);
    }

    /**
     * The arguments of the prelude's {@code get_source} after DIR for {@code source}; a local source is uploaded
     * as {@code uploadName}.
     */
    String sourceArgs(SourceRef source, String uploadName) throws IOException {
        if (source instanceof SourceRef.Url u) {
            return "url " + ShellQuote.quote(u.url());
        }
        if (source instanceof SourceRef.Git g) {
            return "git " + ShellQuote.quote(g.url()) + (g.ref().isEmpty() ? "" : " " + ShellQuote.quote(g.ref()));
        }
        if (source instanceof SourceRef.Builtin b) {
            for (String file : b.files()) {
                addText(uploadName + "/" + file, Templates.load(b.resourceDir() + "/" + file));
            }
            return "dir \"$PAYLOAD/" + uploadName + "\"";
        }
        Path local = ((SourceRef.Local) source).path();
        addUpload(local, uploadName);
        return (Files.isDirectory(local) ? "dir " : "archive ") + "\"$PAYLOAD/" + uploadName + "\"";
    }

    /** The script's head: strict mode, noninteractive apt, proxy exports and the shared shell functions. */
    String prelude() {
        return Templates.render("prelude.sh", Map.of("name", name, "proxy_exports", proxy.shellExports()));
    }

    /** Uploads everything, runs prelude + {@code body} as root, throws when it fails; always cleans up. */
    void execute(String body) throws Exception {
        addText("install.sh", prelude() + "\n" + body);
        try {
            ctx.cancellation().check();
            ctx.info(name + ": uploading to " + remoteDir);
            guest.uploadDirectory(payload, remoteDir, ctx);
            for (Map.Entry<String, Path> e : extraUploads.entrySet()) {
                ctx.cancellation().check();
                if (Files.isDirectory(e.getValue())) {
                    guest.uploadDirectory(e.getValue(), remote(e.getKey()), ctx);
                } else {
                    guest.upload(e.getValue(), remote(e.getKey()), ctx);
                }
            }
            ctx.cancellation().check();
            runAsRoot("sh \"$0\"", remote("install.sh"));
        } finally {
            cleanUp();
        }
    }

    private void runAsRoot(String command, String arg) throws Exception {
        OutputTail tail = OutputTail.lastLines();
        int code = guest.run(asRoot(command, arg), name, OutputTail.capture(ctx, tail));
        if (code == -1) {
            throw new ProvisionerFailedException(spec, "the connection to the guest dropped before install.sh ended",
                    tail.lines(), null);
        }
        if (code != 0) {
            throw new ProvisionerFailedException(spec, "install.sh", code, tail.lines());
        }
    }

    /** {@code command} runs with {@code $0} = {@code arg}, as root: directly, or through sudo for other users. */
    static String asRoot(String command, String arg) {
        String inner = "if [ \"$(id -u)\" = 0 ]; then " + command + "; else sudo -n " + command + "; fi";
        return "sh -c " + ShellQuote.quote(inner) + " " + ShellQuote.quote(arg);
    }

    private void cleanUp() {
        try {
            int code = guest.run(asRoot("rm -rf \"$0\"", remoteDir), name + " cleanup", ctx);
            if (code != 0) {
                ctx.warn(name + ": could not remove " + remoteDir + " in the guest (exit code " + code + ")");
            }
        } catch (Exception e) {
            ctx.warn(name + ": could not remove " + remoteDir + " in the guest: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(payload)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            ctx.warn(name + ": could not remove " + payload + ": " + e.getMessage());
        }
    }
}
