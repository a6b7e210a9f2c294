package io.imagebuilder.internal.steps;

import io.imagebuilder.VerifyReport;
import io.imagebuilder.internal.build.ImageFiles;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImageVerifier;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.template.Verify;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The template's {@code verify:}: boots an overlay of the finished image as its platform would and runs the
 * checks; a failed check fails the build before anything is published.
 */
final class VerifyStep implements Step {

    private final Verify spec;
    private final MachineDriver driver;
    private final ImageVerifier verifier;

    VerifyStep(Verify spec, MachineDriver driver, ImageVerifier verifier) {
        this.spec = spec;
        this.driver = driver;
        this.verifier = verifier;
    }

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        if (verifier == null) {
            throw new IllegalStateException("the template asks to verify the image, but no verifier is on the"
                    + " class path (the provisioners module has VISA's)");
        }
        Path image = ctx.require(BuildKeys.OUTPUT).image();
        VerifyReport report = verifier.verify(image, spec, driver, ctx);
        if (!report.passed()) {
            // an image that does not work must not look like a finished one (the screenshot stays, to look at)
            ImageFiles files = new ImageFiles(image);
            Files.deleteIfExists(files.sha256());
            Files.deleteIfExists(image);
            ctx.warn("removed " + image.getFileName() + ": it did not verify" + report.screenshot()
                    .map(p -> "; what the desktop showed: " + p).orElse(""));
        }
        VerifyFailure.throwIfFailed(report);
        ctx.info("verified " + report.image().getFileName() + " in " + report.took().toSeconds() + " s: "
                + report.checks().size() + " checks passed" + report.screenshot().map(p -> "; desktop: " + p)
                .orElse(""));
    }
}
