package io.imagebuilder.cli;

import io.imagebuilder.ImageVerification;
import io.imagebuilder.VerifyReport;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.template.Verify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/** Boots an overlay of an image as VISA would and checks its desktop and JupyterLab; the image is not changed. */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Prove an image works the way VISA uses it: boot a throwaway overlay with VISA's instance"
                + " metadata (owner, screen, keyboard, a fresh PAM key), open its desktop through its own guacd"
                + " with a signed token (expired and tampered tokens must be refused), and check JupyterLab.",
                "Exit 0 when every check passed, 1 when one failed."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image (qcow2) to verify.")
    Path image;

    @Option(names = "--owner", description = "The instance owner's login (default: ${DEFAULT-VALUE}).")
    String owner = Verify.DEFAULT_OWNER;

    @Option(names = "--screenshot", paramLabel = "FILE",
            description = "Where the desktop's screenshot goes (default: IMAGE.desktop.png).")
    Path screenshot;

    @Option(names = "--no-desktop", description = "Skip the remote desktop checks.")
    boolean noDesktop;

    @Option(names = "--jupyterlab", description = "Check JupyterLab (/jupyter/ID/ on 8888) and run a kernel.")
    boolean jupyterLab;

    @Option(names = "--kernel", paramLabel = "NAME", description = "A kernel JupyterLab must list (repeatable);"
            + " the first runs 1+1.")
    List<String> kernels = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "For the whole verification"
            + " (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes = 20;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(image)) {
            System.err.println("error: " + image + " does not exist");
            return BuildImage.USAGE;
        }
        Verify spec;
        try {
            Verify d = Verify.ofDesktop();
            spec = new Verify(owner, !noDesktop, jupyterLab || !kernels.isEmpty(), kernels, d.screenWidth(),
                    d.screenHeight(), d.keyboardLayout(), Optional.empty(), Duration.ofMinutes(timeoutMinutes));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return BuildImage.USAGE;
        }
        Cancellation cancellation = new Cancellation();
        CountDownLatch ended = new CountDownLatch(1);
        ConsoleProgress progress = new ConsoleProgress(System.out);
        CancelOnCtrlC ctrlC = new CancelOnCtrlC(cancellation::cancel, ended::await);
        try (ctrlC; progress) {
            VerifyReport report = ImageVerification.of(image).spec(spec).listener(progress)
                    .cancellation(cancellation).run();
            for (VerifyReport.Check c : report.checks()) {
                System.out.println((c.passed() ? "PASS " : "FAIL ") + c.name() + " (" + c.took().toSeconds() + " s): "
                        + c.detail());
            }
            if (screenshot != null && report.screenshot().isPresent()) {
                Files.move(report.screenshot().get(), screenshot, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("desktop screenshot: " + screenshot);
            } else {
                report.screenshot().ifPresent(p -> System.out.println("desktop screenshot: " + p));
            }
            System.out.println(report.passed() ? "verified in " + report.took().toSeconds() + " s"
                    : "NOT verified: " + report.firstFailure().map(VerifyReport.Check::name).orElse("no check ran"));
            return report.passed() ? BuildImage.OK : BuildImage.FAILED;
        } catch (CancellationException e) {
            System.err.println("verify cancelled; its VM and overlay were removed");
            return BuildImage.CANCELLED;
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return BuildImage.FAILED;
        } finally {
            ended.countDown();
        }
    }
}
