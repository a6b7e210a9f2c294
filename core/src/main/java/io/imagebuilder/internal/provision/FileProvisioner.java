package io.imagebuilder.internal.provision;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerFailedException;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Packer's file provisioner. A directory with {@code contentsOnly} (its source ended in {@code /}) fills
 * {@code destination}; otherwise the directory itself is created inside it. A file whose destination ends in
 * {@code /} keeps its name inside that folder.
 */
public final class FileProvisioner {

    private FileProvisioner() {
    }

    public static void run(ProvisionerSpec.FileUpload spec, GuestSession guest, StepContext ctx) throws Exception {
        Path source = spec.source();
        String dest = spec.destination();
        if (Files.isDirectory(source)) {
            String target = spec.contentsOnly() ? dest : join(dest, source.getFileName().toString());
            ctx.info(spec.displayName() + ": uploading " + source + (spec.contentsOnly() ? "/" : "") + " to " + target);
            guest.uploadDirectory(source, target, ctx);
            uploadRendered(spec, target, guest, ctx);
        } else if (Files.isRegularFile(source)) {
            String target = dest.endsWith("/") ? dest + source.getFileName() : dest;
            ctx.info(spec.displayName() + ": uploading " + source + " to " + target);
            guest.upload(source, target, ctx);
        } else {
            throw new ProvisionerFailedException(spec, "source " + source + " does not exist", List.of(), null);
        }
    }

    /** The files the folder holds only as templates (a packme tree's .tlt), with the template's mode. */
    private static void uploadRendered(ProvisionerSpec.FileUpload spec, String target, GuestSession guest,
                                       StepContext ctx) throws Exception {
        for (Map.Entry<String, String> file : spec.rendered().entrySet()) {
            Path tmp = Files.createTempFile(Files.createDirectories(ctx.workDir()), "rendered-", ""); // mode 600
            try {
                Files.writeString(tmp, file.getValue());
                String remote = join(target, file.getKey());
                ctx.info(spec.displayName() + ": uploading " + file.getKey() + " rendered from its .tlt");
                guest.upload(tmp, remote, ctx);
                Path template = spec.source().resolve(file.getKey() + ".tlt");
                if (Files.isRegularFile(template)) { // the template's mode, set in the guest
                    String mode = Integer.toOctalString(modeBits(Files.getPosixFilePermissions(template)));
                    int exit = guest.run("chmod " + mode + " " + ShellQuote.quote(remote), spec.displayName(), ctx);
                    if (exit != 0) {
                        throw new ProvisionerFailedException(spec, "chmod " + mode + " " + remote, exit, List.of());
                    }
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static int modeBits(java.util.Set<java.nio.file.attribute.PosixFilePermission> perms) {
        int bits = 0;
        for (java.nio.file.attribute.PosixFilePermission p : perms) {
            bits |= 1 << (8 - p.ordinal());
        }
        return bits;
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }
}
