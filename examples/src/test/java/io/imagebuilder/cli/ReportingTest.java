package io.imagebuilder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebuilder.BuildEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What --events json and --log-level make of a build's events. */
class ReportingTest {

    private static final List<BuildEvent> EVENTS = List.of(
            new BuildEvent.StepStarted("visa-ci", "convert"),
            new BuildEvent.Progress("visa-ci", "convert", 50, 100),
            new BuildEvent.GuestOutput("visa-ci", "shell[1]", BuildEvent.Stream.STDOUT, "hello \"guest\""),
            new BuildEvent.Message("visa-ci", BuildEvent.Level.DEBUG, "detail"),
            new BuildEvent.Message("visa-ci", BuildEvent.Level.WARN, "careful"),
            new BuildEvent.StepFinished("visa-ci", "convert", Duration.ofMillis(1500)),
            new BuildEvent.StepFailed("visa-ci", "publish", new IllegalStateException("refused")),
            new BuildEvent.CheckFinished("visa-ci", "desktop", true, java.time.Duration.ofMillis(50_500),
                    "joebloggs's XFCE desktop"));

    @TempDir
    Path dir;

    @Test
    void everyEventIsOneJsonObjectPerLineWithItsTypeAndFields() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonLinesEvents json = new JsonLinesEvents(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        EVENTS.forEach(json::onEvent);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(EVENTS.size(), lines.size());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode started = mapper.readTree(lines.get(0));
        assertEquals("StepStarted", started.get("type").asText());
        assertEquals("convert", started.get("step").asText());
        assertTrue(started.get("time").asText().endsWith("Z"));
        assertEquals(50, mapper.readTree(lines.get(1)).get("done").asLong());
        assertEquals("hello \"guest\"", mapper.readTree(lines.get(2)).get("line").asText());
        assertEquals("stdout", mapper.readTree(lines.get(2)).get("stream").asText());
        assertEquals("warn", mapper.readTree(lines.get(4)).get("level").asText());
        assertEquals(1500, mapper.readTree(lines.get(5)).get("tookMillis").asLong());
        assertEquals("refused", mapper.readTree(lines.get(6)).get("error").asText());
        JsonNode check = mapper.readTree(lines.get(7));
        assertEquals("CheckFinished", check.get("type").asText());
        assertEquals("desktop", check.get("check").asText());
        assertTrue(check.get("passed").asBoolean());
        assertEquals(50.5, check.get("seconds").asDouble());
    }

    @Test
    void theConsoleShowsFromTheChosenLevelAndTheLogHasEverything() throws Exception {
        assertEquals(List.of("convert", "50%", "hello", "detail", "careful", "done in", "FAILED"),
                shown(BuildEvent.Level.DEBUG));
        assertEquals(List.of("convert", "50%", "careful", "done in", "FAILED"), shown(BuildEvent.Level.INFO));
        // a failed step is an error: shown at every level
        assertEquals(List.of("careful", "FAILED"), shown(BuildEvent.Level.WARN));
        assertEquals(List.of("FAILED"), shown(BuildEvent.Level.ERROR));
        String log = Files.readString(dir.resolve("ERROR.log"));
        assertTrue(log.contains("detail") && log.contains("hello") && log.contains("refused"), log);
    }

    /** Which of the events' marks reach the console. */
    private List<String> shown(BuildEvent.Level level) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress console = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                dir.resolve(level + ".log"), level)) {
            EVENTS.forEach(console::onEvent);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        List<String> marks = List.of("convert", "50%", "hello", "detail", "careful", "done in", "FAILED");
        return marks.stream().filter(text::contains).toList();
    }
}
