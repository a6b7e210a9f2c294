package io.imagebuilder;

import io.imagebuilder.internal.build.LeftoverWorkFolders;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImageVerifier;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.template.Verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Verifies an existing image, as a template's {@code verify:} does after a build:
 * {@code ImageVerification.of(image).spec(Verify.ofDesktop().withOwner("joe")).run()}. The image is never
 * modified (an overlay of it boots); the report lists every check. Immutable: each setter returns a copy.
 */
public final class ImageVerification {

    private final Path image;
    private final Verify spec;
    private final BuildListener listener;
    private final MachineDriver driver;
    private final ImageVerifier verifier;
    private final Cancellation cancellation;

    private ImageVerification(Path image, Verify spec, BuildListener listener, MachineDriver driver,
                              ImageVerifier verifier, Cancellation cancellation) {
        this.image = image;
        this.spec = spec;
        this.listener = listener;
        this.driver = driver;
        this.verifier = verifier;
        this.cancellation = cancellation;
    }

    public static ImageVerification of(Path image) {
        return new ImageVerification(Objects.requireNonNull(image), Verify.ofDesktop(), e -> { }, null, null,
                new Cancellation());
    }

    public ImageVerification spec(Verify v) {
        return new ImageVerification(image, Objects.requireNonNull(v), listener, driver, verifier, cancellation);
    }

    public ImageVerification listener(BuildListener l) {
        return new ImageVerification(image, spec, Objects.requireNonNull(l), driver, verifier, cancellation);
    }

    /** The VM driver; by default the one on the class path (qemu-driver). */
    public ImageVerification driver(MachineDriver d) {
        return new ImageVerification(image, spec, listener, Objects.requireNonNull(d), verifier, cancellation);
    }

    public ImageVerification verifier(ImageVerifier v) {
        return new ImageVerification(image, spec, listener, driver, Objects.requireNonNull(v), cancellation);
    }

    /** Cancelling it stops the verification; everything it started is cleaned up. */
    public ImageVerification cancellation(Cancellation c) {
        return new ImageVerification(image, spec, listener, driver, verifier, Objects.requireNonNull(c));
    }

    /** Runs every check of the spec; a failed check is in the report, not thrown. */
    public VerifyReport run() throws Exception {
        if (!Files.isRegularFile(image)) {
            throw new IOException("image " + image + " does not exist");
        }
        MachineDriver d = Optional.ofNullable(driver).or(() -> ServiceLoader.load(MachineDriver.class).findFirst())
                .orElseThrow(() -> new IllegalStateException("no VM driver on the class path (qemu-driver)"));
        ImageVerifier v = Optional.ofNullable(verifier).or(() -> ServiceLoader.load(ImageVerifier.class)
                .findFirst()).orElseThrow(() -> new IllegalStateException("no image verifier on the class path"
                + " (the provisioners module has VISA's)"));
        Path abs = image.toAbsolutePath();
        // beside the image: QEMU's user can reach it there if it can reach the image
        Path work = Files.createTempDirectory(abs.getParent(), ".verify-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x")); // for QEMU's user
        try {
            String name = abs.getFileName().toString().replaceFirst("\\.(qcow2|raw|img)$", "");
            StepContext ctx = new StepContext(name, work, listener, cancellation, new SecretMasker());
            return v.verify(abs, spec, d, ctx);
        } finally {
            LeftoverWorkFolders.deleteTree(work);
        }
    }
}
