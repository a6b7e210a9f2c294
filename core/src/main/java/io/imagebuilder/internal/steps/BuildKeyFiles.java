package io.imagebuilder.internal.steps;

import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A disk made with the build's temporary key (bootstrap, or a preseed that installed {{ .SSHPublicKey }})
 * lets in only that key, so the stages built on it need it too: it is kept beside the image
 * ({@code NAME.qcow2.build-key}, mode 600) and handed down the chain.
 */
final class BuildKeyFiles {

    private BuildKeyFiles() {
    }

    /** After convert: keeps the key this stage logged in with beside its image, for the stages built on it. */
    static Step keep(ImageFiles image) {
        return new Step() {
            public String name() {
                return "keep-build-key";
            }

            public void run(StepContext ctx) throws IOException {
                Path target = image.buildKey();
                Files.deleteIfExists(target);
                GuestAccess.TemporaryKey key = ctx.get(BuildKeys.SSH_KEY).orElse(GuestAccess.TemporaryKey.NONE);
                if (key.privateKey() == null) {
                    return; // the disk lets in a password or the template's own key
                }
                Files.createFile(target,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(target, Files.readAllBytes(key.privateKey())); // keeps the file's mode 600
                Files.writeString(image.buildKeyPublic(), key.publicKeyLine() + "\n");
            }
        };
    }

    /** Before connecting: logs in with the key the parent's image lets in, if it has one. */
    static Step fromParent(ImageFiles parentImage) {
        return new Step() {
            public String name() {
                return "parent-build-key";
            }

            public void run(StepContext ctx) throws IOException {
                Path key = parentImage.buildKey();
                if (Files.isRegularFile(key)) {
                    Path pub = parentImage.buildKeyPublic();
                    String line = Files.isRegularFile(pub) ? Files.readString(pub).trim() : "";
                    ctx.put(BuildKeys.SSH_KEY, new GuestAccess.TemporaryKey(key, line));
                    ctx.info("logging in with the build key of " + parentImage.image().getFileName());
                }
            }
        };
    }
}
