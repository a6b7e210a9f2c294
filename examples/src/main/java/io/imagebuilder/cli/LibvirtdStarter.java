package io.imagebuilder.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code --start-libvirtd}: runs the script the build-image launcher names ({@code libvirtd-start.sh
 * --host-config}), which starts libvirtd as the host's distribution configured it when none answers.
 */
final class LibvirtdStarter {

    static final String SCRIPT_PROPERTY = "imagebuilder.libvirtd-start";

    private LibvirtdStarter() {
    }

    static void start(PrintStream console) throws IOException, InterruptedException {
        String script = System.getProperty(SCRIPT_PROPERTY);
        if (script == null || !Files.isRegularFile(Path.of(script))) {
            throw new IllegalArgumentException("--start-libvirtd needs the build-image launcher (it names"
                    + " libvirtd-start.sh); start libvirtd yourself: systemctl start libvirtd");
        }
        console.println("starting libvirtd if none answers (" + script + " --host-config)");
        Process p = new ProcessBuilder("bash", script, "--host-config").redirectErrorStream(true).start();
        Thread pump = new Thread(() -> { // a daemon that kept the pipe open must not hold the build
            try {
                p.getInputStream().transferTo(console);
            } catch (IOException e) {
                // the script ended
            }
        }, "libvirtd-start-output");
        pump.setDaemon(true);
        pump.start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("libvirtd could not be started (" + script + " failed; its output is"
                    + " above)");
        }
    }
}
