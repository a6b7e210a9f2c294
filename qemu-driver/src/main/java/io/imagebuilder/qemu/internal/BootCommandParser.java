package io.imagebuilder.qemu.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Packer's boot command grammar into {@link BootAction}s. libvirt's send-key cannot hold a key across
 * calls, so {@code <leftAltOn>} ... {@code <leftAltOff>} is turned into chords: every key pressed in between
 * is sent together with the held keys; a key held and released with nothing in between is pressed alone.
 * A {@code <...>} that is not a known key or wait is typed literally, as Packer does.
 */
public final class BootCommandParser {

    private static final Pattern SPECIAL = Pattern.compile("<([A-Za-z0-9.]+)>");
    private static final Pattern WAIT = Pattern.compile("(?i)wait(.*)");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");
    private static final Pattern ON_OFF = Pattern.compile("(?i)(.+?)(on|off)");

    private BootCommandParser() {
    }

    public static List<BootAction> parse(String command) {
        List<BootAction> out = new ArrayList<>();
        Set<Integer> held = new LinkedHashSet<>();
        Set<Integer> usedWhileHeld = new LinkedHashSet<>();
        int i = 0;
        while (i < command.length()) {
            Matcher m = SPECIAL.matcher(command).region(i, command.length());
            if (command.charAt(i) == '<' && m.lookingAt() && special(m.group(1), held, usedWhileHeld, out)) {
                i = m.end();
                continue;
            }
            char c = command.charAt(i);
            int pos = i;
            LinuxKeys.Stroke s = LinuxKeys.of(c).orElseThrow(() -> new IllegalArgumentException(
                    "boot command: cannot type character '" + c + "' (U+" + String.format("%04X", (int) c)
                            + ") at position " + pos + "; only US keyboard characters are supported"));
            List<Integer> codes = new ArrayList<>(held);
            if (s.shift() && !held.contains(LinuxKeys.LEFTSHIFT)) {
                codes.add(LinuxKeys.LEFTSHIFT);
            }
            codes.add(s.code());
            usedWhileHeld.addAll(held);
            out.add(new BootAction.Press(codes, String.valueOf(c)));
            i++;
        }
        return out;
    }

    /** Handles one {@code <name>}; false when it is not a special and must be typed literally. */
    private static boolean special(String name, Set<Integer> held, Set<Integer> usedWhileHeld, List<BootAction> out) {
        Matcher w = WAIT.matcher(name);
        if (w.matches()) {
            Optional<Duration> d = waitDuration(w.group(1));
            d.ifPresent(duration -> out.add(new BootAction.Wait(duration)));
            return d.isPresent();
        }
        Optional<Integer> key = LinuxKeys.named(name);
        if (key.isPresent()) {
            List<Integer> codes = new ArrayList<>(held);
            codes.add(key.get());
            usedWhileHeld.addAll(held);
            out.add(new BootAction.Press(codes, "<" + name + ">"));
            return true;
        }
        Matcher onOff = ON_OFF.matcher(name);
        if (!onOff.matches()) {
            return false;
        }
        Optional<Integer> heldKey = LinuxKeys.named(onOff.group(1));
        if (heldKey.isEmpty()) {
            return false;
        }
        int code = heldKey.get();
        if (onOff.group(2).equalsIgnoreCase("on")) {
            held.add(code);
            usedWhileHeld.remove(code);
        } else if (held.remove(code) && !usedWhileHeld.remove(code)) {
            out.add(new BootAction.Press(List.of(code), "<" + name + ">"));
        }
        return true;
    }

    /** {@code ""} = 1 s, {@code 5} = 5 s, or a Go duration such as {@code 1m20s}, {@code 500ms}. */
    static Optional<Duration> waitDuration(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return Optional.of(Duration.ofSeconds(1));
        }
        if (s.matches("\\d+")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(s)));
        }
        Matcher m = GO_DURATION.matcher(s);
        long nanos = 0;
        int pos = 0;
        while (m.find() && m.start() == pos) {
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L; // ms
            };
            nanos += (long) (v * unit);
            pos = m.end();
        }
        return pos == s.length() ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
    }
}
