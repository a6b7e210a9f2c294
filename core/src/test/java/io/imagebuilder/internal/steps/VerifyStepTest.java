package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildResult;
import io.imagebuilder.VerifyReport;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImageVerifier;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.Verify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verify step with a stand-in verifier: what a passed and a failed verification leave in the output. */
class VerifyStepTest {

    @TempDir
    Path dir;

    private StepContext context(Path image) throws Exception {
        Files.writeString(image, "qcow2");
        Files.writeString(dir.resolve("visa.qcow2.sha256"), "abc  visa.qcow2\n");
        StepContext ctx = new StepContext("visa", dir.resolve("work"), e -> { }, new Cancellation(),
                new SecretMasker());
        ctx.put(BuildKeys.OUTPUT, new BuildResult.StageResult("visa", image, Output.Format.QCOW2, 5, "abc",
                List.of(), false));
        return ctx;
    }

    private static ImageVerifier answering(boolean passed) {
        return (image, spec, driver, ctx) -> new VerifyReport(image, List.of(
                new VerifyReport.Check("ready", true, Duration.ofSeconds(3), "ports open"),
                new VerifyReport.Check("desktop", passed, Duration.ofSeconds(50), passed ? "drawn" : "no XFCE")),
                Optional.empty(), Duration.ofSeconds(60));
    }

    @Test
    void aPassedVerificationKeepsTheImage() throws Exception {
        Path image = dir.resolve("visa.qcow2");
        new VerifyStep(Verify.ofDesktop(), null, answering(true)).run(context(image));
        assertTrue(Files.exists(image));
    }

    @Test
    void aFailedVerificationNamesTheCheckAndRemovesTheImage() throws Exception {
        Path image = dir.resolve("visa.qcow2");
        StepContext ctx = context(image);
        VerifyFailure e = assertThrows(VerifyFailure.class,
                () -> new VerifyStep(Verify.ofDesktop(), null, answering(false)).run(ctx));
        assertEquals("visa.qcow2 did not verify: check 'desktop' failed: no XFCE", e.getMessage());
        assertFalse(Files.exists(image), "an image that does not work must not stay as a finished one");
        assertFalse(Files.exists(dir.resolve("visa.qcow2.sha256")));
    }

    @Test
    void withoutAVerifierOnTheClassPathTheStepSaysSo() throws Exception {
        Path image = dir.resolve("visa.qcow2");
        StepContext ctx = context(image);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new VerifyStep(Verify.ofDesktop(), null, null).run(ctx));
        assertTrue(e.getMessage().contains("no verifier is on the class path"), e.getMessage());
    }
}
