package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.MachineDriver;

import java.nio.file.Path;
import java.util.List;

/**
 * Asks the driver, before the stage makes anything, whether this host can run its VM: a hypervisor that does
 * not answer, or folders the VM's user cannot enter, would otherwise show only after a download or a
 * debootstrap, as a terse start error.
 */
final class CheckHostStep implements Step {

    private final MachineDriver driver;
    private final List<Path> paths;

    /** @param paths the folders and files the stage's VM will use (output, cache, local sources) */
    CheckHostStep(MachineDriver driver, List<Path> paths) {
        this.driver = driver;
        this.paths = List.copyOf(paths);
    }

    @Override
    public String name() {
        return "check-host";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        List<String> problems = driver.hostProblems(paths);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
    }
}
