package io.imagebuilder.qemu.internal;

import io.imagebuilder.pipeline.StepContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A build that is not headless (build-image -nh, Packer's {@code headless: false}) opens the VM's console in a
 * VNC viewer when there is a display to show it on; the domain's display is VNC on 127.0.0.1 either way.
 */
final class ConsoleViewer {

    /** Viewers tried in order: virt-viewer's remote-viewer, then TigerVNC/TightVNC's vncviewer. */
    static final List<String> VIEWERS = List.of("remote-viewer", "vncviewer");

    private ConsoleViewer() {
    }

    static void open(String vncAddress, Map<String, String> env, StepContext ctx) {
        if (env.getOrDefault("DISPLAY", "").isEmpty() && env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty()) {
            ctx.warn("not headless, but there is no display (DISPLAY is not set): watch the console with a VNC"
                    + " viewer at " + vncAddress);
            return;
        }
        Optional<Path> viewer = VIEWERS.stream().map(v -> find(v, env)).flatMap(Optional::stream).findFirst();
        if (viewer.isEmpty()) {
            ctx.warn("not headless, but no VNC viewer (" + String.join(" or ", VIEWERS) + ") is installed: watch"
                    + " the console at " + vncAddress);
            return;
        }
        String target = viewer.get().getFileName().toString().equals("vncviewer")
                ? vncAddress.replace("vnc://", "").replaceFirst(":(\\d+)$", "::$1") : vncAddress;
        try {
            new ProcessBuilder(viewer.get().toString(), target).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ctx.info("console opened in " + viewer.get().getFileName() + " (" + vncAddress + ")");
        } catch (IOException e) {
            ctx.warn("could not start " + viewer.get() + ": " + e.getMessage() + "; the console is at " + vncAddress);
        }
    }

    private static Optional<Path> find(String program, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
