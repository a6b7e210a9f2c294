package io.imagebuilder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a verification found: each check in the order it ran, and the desktop's screenshot when one was taken.
 *
 * @param image      the image that was verified (never modified: its overlay was booted)
 * @param screenshot the desktop as the Guacamole session drew it, a PNG beside the image
 */
public record VerifyReport(Path image, List<Check> checks, Optional<Path> screenshot, Duration took) {

    public VerifyReport {
        checks = List.copyOf(checks);
    }

    /** One check: its name (e.g. {@code desktop}), whether it passed, how long it took, and what it saw. */
    public record Check(String name, boolean passed, Duration took, String detail) {}

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public Optional<Check> firstFailure() {
        return checks.stream().filter(c -> !c.passed()).findFirst();
    }
}
