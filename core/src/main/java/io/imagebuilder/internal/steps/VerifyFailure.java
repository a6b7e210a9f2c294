package io.imagebuilder.internal.steps;

import io.imagebuilder.VerifyReport;

/** A verification that did not pass, naming the first check that failed and what it saw. */
public final class VerifyFailure extends Exception {

    private final transient VerifyReport report;

    private VerifyFailure(VerifyReport report, String message) {
        super(message);
        this.report = report;
    }

    public VerifyReport report() {
        return report;
    }

    public static void throwIfFailed(VerifyReport report) throws VerifyFailure {
        if (report.passed()) {
            return;
        }
        String what = report.firstFailure().map(c -> "check '" + c.name() + "' failed: " + c.detail())
                .orElse("no check ran");
        throw new VerifyFailure(report, report.image().getFileName() + " did not verify: " + what);
    }
}
