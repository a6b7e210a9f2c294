package io.imagebuilder.internal.steps;

import io.imagebuilder.internal.build.LeftoverWorkFolders;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the stage's private work folder (disk, serial log, keys) with this build's owner record in it, so that
 * the next build can remove it if this one is killed; its cleanup deletes it, last of all.
 */
final class WorkDirStep implements Step {

    @Override
    public String name() {
        return "work-dir";
    }

    @Override
    public void run(StepContext ctx) throws IOException {
        Files.createDirectories(ctx.workDir());
        // The user libvirt runs QEMU as must pass through (the files it gets from libvirt); nobody lists them.
        Files.setPosixFilePermissions(ctx.workDir(), PosixFilePermissions.fromString("rwx--x--x"));
        if (ctx.workDir().getParent().getFileName().toString().equals(".work")) { // OUTPUT/.work, made just now
            Files.setPosixFilePermissions(ctx.workDir().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        }
        LeftoverWorkFolders.claim(ctx.workDir());
    }

    @Override
    public void cleanup(StepContext ctx) throws IOException {
        LeftoverWorkFolders.deleteTree(ctx.workDir());
    }
}
