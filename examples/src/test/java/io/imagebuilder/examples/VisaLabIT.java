package io.imagebuilder.examples;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JupyterLab example image (visa-lab: Debian trixie, JupyterLab from Debian's packages) built and verified
 * as VISA's proxy reaches it: /jupyter/{id}/lab without a token, the python3 kernel listed, the owner's home as
 * the contents root, and 1+1 run by a kernel over its websocket, in a booted instance of the image.
 */
class VisaLabIT {

    @BeforeAll
    static void startLibvirtd() throws Exception {
        Fixtures.startLibvirtd();
    }

    @Test
    void theLabImageServesJupyterLabAsVisasProxyReachesIt() throws Exception {
        Path output = Path.of("target/visa-lab/output").toAbsolutePath();
        Fixtures.run(60, List.of("rm", "-rf", output.toString()));
        List<BuildEvent.CheckFinished> checks = new ArrayList<>();
        long start = System.nanoTime();
        BuildResult result = ImageBuilder.from(Fixtures.TEMPLATES, "visa-lab").outputDirectory(output)
                .listener(e -> {
                    if (e instanceof BuildEvent.CheckFinished c) {
                        synchronized (checks) {
                            checks.add(c);
                        }
                    }
                    if (e instanceof BuildEvent.StepFinished || e instanceof BuildEvent.Message) {
                        System.out.println(e);
                    }
                }).build();
        System.out.println("visa-lab built and verified in " + (System.nanoTime() - start) / 1_000_000_000 + " s");
        synchronized (checks) {
            checks.forEach(c -> System.out.println("verify " + c.check() + " in " + c.took().toSeconds() + " s: "
                    + c.detail()));
            assertEquals(List.of("ready", "jupyterlab", "jupyterlab-kernel"),
                    checks.stream().map(BuildEvent.CheckFinished::check).toList());
            assertTrue(checks.stream().allMatch(BuildEvent.CheckFinished::passed), checks.toString());
            assertTrue(checks.get(1).detail().contains("data-analysis"), checks.get(1).detail());
            assertTrue(checks.get(2).detail().contains("kernel data-analysis ran 1+1 = 2"), checks.get(2).detail());
        }
        assertTrue(Files.size(result.image()) > 0);
        String domains = Fixtures.run(60, List.of("virsh", "-c", "qemu:///system", "list", "--all", "--name"));
        assertFalse(domains.contains("imagebuilder-verify"), "verify's VM is gone: " + domains);
        try (var left = Files.walk(output)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("verify-")
                    || p.getFileName().toString().equals("instance.qcow2")).toList(), "verify's overlay is gone");
        }
    }
}
