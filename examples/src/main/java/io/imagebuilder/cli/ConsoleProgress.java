package io.imagebuilder.cli;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Shows a build to a person: stage and step with the elapsed time, a progress bar for conversions and uploads,
 * messages from the chosen level up (guest output at debug); and writes every event with a timestamp to a log
 * file, if given one. Texts arrive masked.
 */
final class ConsoleProgress implements BuildListener, AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;
    private final Writer log; // null: console only
    private final BuildEvent.Level minimum;
    private final Instant start = Instant.now();
    private int lastPercent = -1;

    /** Console only (a publish: its messages are all on the console anyway). */
    ConsoleProgress(PrintStream out) {
        this.out = out;
        this.log = null;
        this.minimum = BuildEvent.Level.INFO;
    }

    /** @param minimum messages below it are only logged; steps and progress show at info and debug */
    ConsoleProgress(PrintStream out, Path logFile, BuildEvent.Level minimum) throws IOException {
        this.out = out;
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        this.log = Files.newBufferedWriter(logFile);
        this.minimum = minimum;
    }

    @Override
    public synchronized void onEvent(BuildEvent event) {
        writeLog(event);
        String elapsed = "[" + format(Duration.between(start, Instant.now())) + "] ";
        boolean steps = minimum.compareTo(BuildEvent.Level.INFO) <= 0;
        if (event instanceof BuildEvent.StepStarted s && steps) {
            lastPercent = -1;
            out.println(elapsed + s.stage() + " > " + s.step());
        } else if (event instanceof BuildEvent.StepFinished f && steps) {
            out.println(elapsed + f.stage() + " > " + f.step() + " done in " + format(f.took()));
        } else if (event instanceof BuildEvent.StepFailed f) {
            out.println(elapsed + f.stage() + " > " + f.step() + " FAILED");
        } else if (event instanceof BuildEvent.CleanupFailed f) {
            out.println(elapsed + f.stage() + " > cleanup of " + f.step() + " failed: " + f.error().getMessage());
        } else if (event instanceof BuildEvent.Progress p && p.total() > 0 && steps) {
            int percent = (int) (100 * p.done() / p.total());
            if (percent != lastPercent && (percent % 5 == 0 || percent == 100)) {
                lastPercent = percent;
                int filled = percent / 5;
                out.println(elapsed + p.stage() + " > " + p.step() + " [" + "#".repeat(filled)
                        + " ".repeat(20 - filled) + "] " + percent + "% of " + p.total() / (1 << 20) + " MiB");
            }
        } else if (event instanceof BuildEvent.Message m && m.level().compareTo(minimum) >= 0) {
            out.println(elapsed + m.stage() + ": " + (m.level() == BuildEvent.Level.INFO ? "" : m.level() + " ")
                    + m.text());
        } else if (event instanceof BuildEvent.GuestOutput g && minimum == BuildEvent.Level.DEBUG) {
            out.println(elapsed + g.stage() + " " + g.source() + ": " + g.line());
        }
    }

    private void writeLog(BuildEvent event) {
        if (log == null) {
            return;
        }
        try {
            log.write(LocalTime.now().format(TIME) + " " + describe(event) + "\n");
            log.flush();
        } catch (IOException e) {
            // the log file is a convenience: a full disk must not fail the build
        }
    }

    private static String describe(BuildEvent e) {
        if (e instanceof BuildEvent.GuestOutput g) {
            return g.stage() + " " + g.source() + " " + g.stream() + ": " + g.line();
        }
        if (e instanceof BuildEvent.Message m) {
            return m.stage() + " " + m.level() + ": " + m.text();
        }
        if (e instanceof BuildEvent.StepFailed f) {
            return f.stage() + " step " + f.step() + " failed: " + f.error().getMessage();
        }
        return e.toString();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
