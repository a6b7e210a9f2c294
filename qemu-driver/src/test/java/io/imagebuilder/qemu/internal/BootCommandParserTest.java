package io.imagebuilder.qemu.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootCommandParserTest {

    private static BootAction.Press press(Integer... codes) {
        return new BootAction.Press(List.of(codes), "");
    }

    /** Compares key codes and waits, ignoring labels. */
    private static void assertActions(List<BootAction> expected, List<BootAction> actual) {
        assertEquals(expected.size(), actual.size(), () -> "actions: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            BootAction e = expected.get(i);
            BootAction a = actual.get(i);
            if (e instanceof BootAction.Press ep) {
                assertTrue(a instanceof BootAction.Press, "action " + i + " is " + a);
                assertEquals(ep.codes(), ((BootAction.Press) a).codes(), "action " + i);
            } else {
                assertEquals(e, a, "action " + i);
            }
        }
    }

    @Test
    void plainTextIsOneKeyPerCharacterWithShiftAsChord() {
        assertActions(List.of(press(19), press(24), press(24), press(20), press(42, 30), press(2), press(42, 2),
                        press(57)),
                BootCommandParser.parse("rootA1! "));
    }

    @Test
    void namedKeysAreCaseInsensitive() {
        assertActions(List.of(press(28), press(28), press(15), press(1), press(14), press(111), press(57),
                        press(59), press(68), press(87), press(88), press(103), press(108), press(105), press(106),
                        press(102), press(107), press(104), press(109), press(110), press(127)),
                BootCommandParser.parse("<enter><Return><tab><esc><bs><del><spacebar><f1><f10><f11><F12>"
                        + "<up><down><left><right><home><end><pageUp><pageDown><insert><menu>"));
    }

    @Test
    void waitsUseSecondsOrGoDurations() {
        assertActions(List.of(new BootAction.Wait(Duration.ofSeconds(1)), new BootAction.Wait(Duration.ofSeconds(5)),
                        new BootAction.Wait(Duration.ofSeconds(10)), new BootAction.Wait(Duration.ofSeconds(80)),
                        new BootAction.Wait(Duration.ofMillis(500)), new BootAction.Wait(Duration.ofSeconds(3)),
                        new BootAction.Wait(Duration.ofMillis(1500))),
                BootCommandParser.parse("<wait><wait5><wait10><wait1m20s><wait500ms><wait3><wait1.5s>"));
    }

    @Test
    void heldModifiersBecomeChords() {
        assertActions(List.of(press(56, 62), press(29, 56, 111), press(33)),
                BootCommandParser.parse("<leftAltOn><f4><leftAltOff><leftCtrlOn><leftAltOn><del><leftAltOff>"
                        + "<leftCtrlOff>f"));
    }

    @Test
    void heldShiftIsNotDoubledForShiftedCharacters() {
        assertActions(List.of(press(42, 30), press(42, 30)), BootCommandParser.parse("<leftShiftOn>aA<leftShiftOff>"));
    }

    @Test
    void keyHeldAndReleasedAlonePressesIt() {
        assertActions(List.of(press(28)), BootCommandParser.parse("<enterOn><enterOff>"));
    }

    @Test
    void unknownSpecialsAreTypedLiterally() {
        List<BootAction> actions = BootCommandParser.parse("<foo>");
        assertActions(List.of(press(42, 51), press(33), press(24), press(24), press(42, 52)), actions);
        assertEquals(7, BootCommandParser.parse("<waitX>").size()); // < w a i t X >
    }

    @Test
    void packerDebianExampleParses() {
        List<BootAction> actions = BootCommandParser.parse(
                "<esc><wait>install auto=true url=http://10.0.2.2:8123/preseed.cfg<enter>");
        assertEquals(new BootAction.Wait(Duration.ofSeconds(1)), actions.get(1));
        assertEquals(List.of(28), ((BootAction.Press) actions.get(actions.size() - 1)).codes());
        // ':' is shift+semicolon
        assertTrue(actions.contains(new BootAction.Press(List.of(42, 39), ":")));
    }

    @Test
    void untypableCharacterNamesPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BootCommandParser.parse("ab\u00e9"));
        assertTrue(e.getMessage().contains("position 2"), e.getMessage());
    }

    @Test
    void badDurationIsNotAWait() {
        assertTrue(BootCommandParser.waitDuration("1x").isEmpty());
        assertEquals(Duration.ofHours(1).plusMinutes(2), BootCommandParser.waitDuration("1h2m").orElseThrow());
    }
}
