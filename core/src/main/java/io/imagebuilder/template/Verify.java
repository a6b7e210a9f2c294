package io.imagebuilder.template;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The template's {@code verify:} section: how to prove the finished image works the way VISA uses it, before it
 * is published. A throwaway overlay of the image boots with the instance metadata VISA gives (owner, screen
 * size, keyboard layout, a fresh PAM public key); then the checks named here run against it.
 *
 * @param owner          the instance owner's login ({@code meta.owner})
 * @param desktop        open a Guacamole RDP session through the guest's guacd with a signed token
 * @param jupyterLab     check JupyterLab under {@code /jupyter/{id}/} on port 8888 and run a kernel
 * @param kernels        kernel names JupyterLab must list (empty: any); the first one runs {@code 1+1}
 * @param screenWidth    {@code meta.screenWidth}, also the Guacamole client's size
 * @param screenHeight   {@code meta.screenHeight}
 * @param keyboardLayout {@code meta.keyboardLayout}, the RDP {@code server-layout}
 * @param bootCommand    the image's boot command VISA runs as user-data ({@code runcmd}), if any
 * @param timeout        for the whole verification, boot included
 */
public record Verify(String owner, boolean desktop, boolean jupyterLab, List<String> kernels, int screenWidth,
                     int screenHeight, String keyboardLayout, Optional<String> bootCommand, Duration timeout) {

    public static final String DEFAULT_OWNER = "visa";

    public Verify {
        Objects.requireNonNull(owner, "owner");
        if (!owner.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("owner '" + owner + "' is not a Linux login name (lowercase letters,"
                    + " digits, '_' and '-', at most 32)");
        }
        kernels = List.copyOf(kernels);
        if (screenWidth < 640 || screenWidth > 8192 || screenHeight < 480 || screenHeight > 8192) {
            throw new IllegalArgumentException("screen " + screenWidth + "x" + screenHeight
                    + " is out of range (640x480 to 8192x8192)");
        }
        if (!keyboardLayout.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("keyboard_layout '" + keyboardLayout + "' is not a layout name like"
                    + " en-gb-qwerty");
        }
        if (!desktop && !jupyterLab) {
            throw new IllegalArgumentException("nothing to verify: set desktop or jupyterlab (or both)");
        }
    }

    /** The desktop of {@link #DEFAULT_OWNER} at 1280x800, en-gb-qwerty, within 20 minutes. */
    public static Verify ofDesktop() {
        return new Verify(DEFAULT_OWNER, true, false, List.of(), 1280, 800, "en-gb-qwerty", Optional.empty(),
                Duration.ofMinutes(20));
    }

    public Verify withOwner(String name) {
        return new Verify(name, desktop, jupyterLab, kernels, screenWidth, screenHeight, keyboardLayout,
                bootCommand, timeout);
    }

    public Verify withChecks(boolean desktopCheck, boolean jupyterLabCheck, List<String> kernelNames) {
        return new Verify(owner, desktopCheck, jupyterLabCheck, kernelNames, screenWidth, screenHeight,
                keyboardLayout, bootCommand, timeout);
    }
}
