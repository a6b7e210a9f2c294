package io.imagebuilder.provision.visa.verify;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.VerifyReport;
import io.imagebuilder.internal.build.LeftoverWorkFolders;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImageVerifier;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.template.Verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies a VISA image the way VISA uses an instance: boots it with VISA's metadata ({@link VerifyInstance}),
 * waits for the ports VISA's readiness check opens, then runs the desktop checks ({@link DesktopChecks}) and
 * the JupyterLab checks ({@link JupyterLabChecks}) the template asks for. Each check is reported as it ends.
 */
public final class VisaImageVerifier implements ImageVerifier {

    public VisaImageVerifier() {
    }

    /** Where the desktop's screenshot goes: beside the image. */
    public static Path screenshotOf(Path image) {
        return image.resolveSibling(image.getFileName() + ".desktop.png");
    }

    @Override
    public VerifyReport verify(Path image, Verify spec, MachineDriver driver, StepContext ctx) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(ctx.workDir());
        Path dir = Files.createTempDirectory(ctx.workDir(), "verify-");
        // QEMU may run as its own user (libvirt-qemu): it must be able to enter the overlay's folder
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Checks checks = new Checks(ctx);
        Optional<Path> screenshot = Optional.empty();
        ctx.info("verify: booting an overlay of " + image.getFileName() + " as VISA would (owner " + spec.owner()
                + ", " + spec.screenWidth() + "x" + spec.screenHeight() + ", " + spec.keyboardLayout() + ")");
        try (VerifyInstance vm = VerifyInstance.boot(image, spec, driver, dir, ctx)) {
            long deadline = t0 + spec.timeout().toNanos();
            if (checks.run("ready", () -> Readiness.check(vm, remaining(deadline)))) {
                if (spec.desktop()) {
                    DesktopChecks desktop = new DesktopChecks(vm, screenshotOf(image), ctx);
                    checks.run("expired-token-refused", () -> desktop.refused(DesktopChecks.BadToken.EXPIRED));
                    checks.run("tampered-token-refused", () -> desktop.refused(DesktopChecks.BadToken.TAMPERED));
                    Files.deleteIfExists(screenshotOf(image)); // only this session's, passed or not
                    checks.run("desktop", () -> desktop.session(remaining(deadline)));
                    if (Files.exists(screenshotOf(image))) {
                        screenshot = Optional.of(screenshotOf(image));
                    }
                }
                if (spec.jupyterLab()) {
                    JupyterLabChecks lab = new JupyterLabChecks(vm);
                    checks.run("jupyterlab", () -> lab.lab(remaining(deadline)));
                    checks.run("jupyterlab-kernel", lab::kernel);
                }
            }
        } finally {
            try {
                LeftoverWorkFolders.deleteTree(dir);
            } catch (IOException e) {
                ctx.warn("verify: " + e.getMessage());
            }
        }
        return new VerifyReport(image, checks.results, screenshot, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** A check's body: what it saw when it passed; throws {@link CheckFailed} (or anything) when it did not. */
    interface CheckBody {
        String run() throws Exception;
    }

    /** A check that did not pass; its message says what was seen, with the guest's relevant log lines. */
    static final class CheckFailed extends Exception {
        CheckFailed(String message) {
            super(message);
        }
    }

    private static final class Checks {
        private final StepContext ctx;
        private final List<VerifyReport.Check> results = new ArrayList<>();

        Checks(StepContext ctx) {
            this.ctx = ctx;
        }

        boolean run(String name, CheckBody body) {
            long t0 = System.nanoTime();
            boolean passed;
            String detail;
            try {
                detail = body.run();
                passed = true;
            } catch (Exception e) {
                ctx.cancellation().check();
                passed = false;
                detail = e instanceof CheckFailed ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            detail = ctx.masker().mask(detail);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            results.add(new VerifyReport.Check(name, passed, took, detail));
            ctx.emit(new BuildEvent.CheckFinished(ctx.stage(), name, passed, took, detail));
            ctx.info("verify: " + name + (passed ? " passed" : " FAILED") + " in " + took.toSeconds() + " s: "
                    + detail);
            return passed;
        }
    }
}
