package io.imagebuilder.qemu.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Linux input key codes (linux/input-event-codes.h) for Packer's named keys and a US keyboard layout. */
final class LinuxKeys {

    static final int LEFTSHIFT = 42;

    /** A character as a key code, with or without shift. */
    record Stroke(int code, boolean shift) {
    }

    private static final Map<String, Integer> NAMED = new HashMap<>();
    private static final Map<Character, Stroke> CHARS = new HashMap<>();

    static {
        named("esc", 1); named("bs", 14); named("tab", 15); named("enter", 28); named("return", 28);
        named("spacebar", 57); named("leftctrl", 29); named("leftshift", 42); named("rightshift", 54);
        named("leftalt", 56); named("rightctrl", 97); named("rightalt", 100); named("home", 102);
        named("up", 103); named("pageup", 104); named("left", 105); named("right", 106); named("end", 107);
        named("down", 108); named("pagedown", 109); named("insert", 110); named("del", 111);
        named("leftsuper", 125); named("rightsuper", 126); named("menu", 127);
        for (int i = 1; i <= 10; i++) {
            named("f" + i, 58 + i); // F1 = 59 .. F10 = 68
        }
        named("f11", 87); named("f12", 88);

        row("1234567890-=", "!@#$%^&*()_+", 2);
        row("qwertyuiop[]", "QWERTYUIOP{}", 16);
        row("asdfghjkl;'`", "ASDFGHJKL:\"~", 30);
        row("\\zxcvbnm,./", "|ZXCVBNM<>?", 43);
        CHARS.put(' ', new Stroke(57, false));
        CHARS.put('\n', new Stroke(28, false));
        CHARS.put('\t', new Stroke(15, false));
    }

    private LinuxKeys() {
    }

    private static void named(String name, int code) {
        NAMED.put(name, code);
    }

    /** Consecutive key codes from {@code first}: plain characters and their shifted twins. */
    private static void row(String plain, String shifted, int first) {
        for (int i = 0; i < plain.length(); i++) {
            CHARS.put(plain.charAt(i), new Stroke(first + i, false));
            CHARS.put(shifted.charAt(i), new Stroke(first + i, true));
        }
    }

    /** The code of a Packer key name ({@code enter}, {@code leftAlt}, {@code f5}...), case-insensitive. */
    static Optional<Integer> named(String name) {
        return Optional.ofNullable(NAMED.get(name.toLowerCase(Locale.ROOT)));
    }

    static Optional<Stroke> of(char c) {
        return Optional.ofNullable(CHARS.get(c));
    }
}
