package io.imagebuilder.internal.build;

import java.nio.file.Path;

/**
 * The files a build keeps beside a stage's image {@code OUTPUT/NAME.qcow2}, named here only.
 *
 * @param image the image itself
 */
public record ImageFiles(Path image) {

    /** Where the image is written until it is complete, then moved to {@link #image}. */
    public Path part() {
        return partOf(image);
    }

    /** The image's sha256, in sha256sum's format. */
    public Path sha256() {
        return beside(".sha256");
    }

    /** The digest of everything the image was made from (see {@link StageDigest}). */
    public Path inputs() {
        return beside(".inputs");
    }

    /** The image service's id of the published image, and what it was published with. */
    public Path published() {
        return beside(".published");
    }

    /** The build's private key that the image lets in (intermediate images only), mode 600. */
    public Path buildKey() {
        return beside(".build-key");
    }

    /** The public half of {@link #buildKey}. */
    public Path buildKeyPublic() {
        return beside(".build-key.pub");
    }

    /** Any file written as {@code FILE.part} and moved into place only when complete. */
    public static Path partOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".part");
    }

    private Path beside(String suffix) {
        return image.resolveSibling(image.getFileName() + suffix);
    }
}
