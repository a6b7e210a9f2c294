package io.imagebuilder.cli;

import io.imagebuilder.BuildEvent;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/** How a build reports: to a person (the level of detail) and, for CI systems, as JSON lines. */
final class ReportOptions {

    enum LogLevel { debug, info, warn, error }

    enum EventFormat { json }

    @Option(names = {"-v", "--verbose"}, description = "Also show guest output and debug messages (--log-level"
            + " debug).")
    boolean verbose;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "What the console shows: debug (with guest"
            + " output), info (steps and progress; the default), warn or error. The log file has everything.")
    LogLevel logLevel = LogLevel.info;

    @Option(names = "--events", paramLabel = "json", description = "Print every build event as one JSON object"
            + " per line on stdout (secrets masked), and the console's text on stderr.")
    EventFormat events;

    BuildEvent.Level level() {
        return verbose ? BuildEvent.Level.DEBUG : BuildEvent.Level.valueOf(logLevel.name().toUpperCase(
                java.util.Locale.ROOT));
    }

    /** Where text for a person goes: stderr when stdout carries the events. */
    PrintStream console() {
        return events != null ? System.err : System.out;
    }
}
