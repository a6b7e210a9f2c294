package io.imagebuilder;

import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.Verify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public verify API around a stand-in verifier: what it hands the verifier, and what it leaves. */
class ImageVerificationTest {

    @TempDir
    Path dir;

    private final MachineDriver driver = new MachineDriver() {
        @Override
        public void prepareDisk(io.imagebuilder.spi.DiskPlan plan, io.imagebuilder.pipeline.StepContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.imagebuilder.spi.MachineInstance start(io.imagebuilder.spi.MachineSpec spec,
                                                         io.imagebuilder.pipeline.StepContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void convert(Path source, Path target, Output output, io.imagebuilder.pipeline.StepContext ctx) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void theVerifierGetsTheImageTheSpecAndAWorkFolderBesideTheImageThatIsGoneAfterwards() throws Exception {
        Path image = Files.writeString(dir.resolve("visa-ci.qcow2"), "qcow2");
        List<Path> workDirs = new ArrayList<>();
        Verify spec = Verify.ofDesktop().withOwner("joebloggs");
        VerifyReport report = ImageVerification.of(image).spec(spec).driver(driver)
                .verifier((img, s, d, ctx) -> {
                    assertEquals(image.toAbsolutePath(), img);
                    assertEquals(spec, s);
                    assertEquals("visa-ci", ctx.stage());
                    workDirs.add(ctx.workDir());
                    return new VerifyReport(img, List.of(new VerifyReport.Check("ready", true, Duration.ZERO, "ok")),
                            Optional.empty(), Duration.ZERO);
                }).run();
        assertTrue(report.passed());
        assertEquals(dir, workDirs.get(0).getParent(), "beside the image, where QEMU's user can reach it");
        assertFalse(Files.exists(workDirs.get(0)));
        assertEquals(List.of(image), Files.list(dir).toList(), "nothing left beside the image");
    }

    @Test
    void aMissingImageIsSaidBeforeAnythingStarts() {
        IOException e = assertThrows(IOException.class, () -> ImageVerification.of(dir.resolve("nope.qcow2"))
                .driver(driver).verifier((i, s, d, c) -> { throw new AssertionError("must not run"); }).run());
        assertTrue(e.getMessage().contains("nope.qcow2 does not exist"), e.getMessage());
    }
}
