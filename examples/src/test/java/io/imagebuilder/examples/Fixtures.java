package io.imagebuilder.examples;

import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real components the end-to-end tests use, started through the modules' own idempotent scripts. */
final class Fixtures {

    static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    static final Path TEMPLATES = TOP.resolve("examples/templates");

    private Fixtures() {
    }

    static void startLibvirtd() throws Exception {
        run(600, List.of("bash", TOP.resolve("qemu-driver/scripts/libvirtd-start.sh").toString()));
    }

    /** Starts Keystone + Glance and returns the fixture's admin credentials (its openrc). */
    static Map<String, String> startOpenStack() throws Exception {
        run(1200, List.of("bash", TOP.resolve("glance/scripts/openstack-start.sh").toString()));
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(openStackState().resolve("openrc"))) {
            String l = line.replaceFirst("^export\\s+", "").trim();
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("#")) {
                env.put(l.substring(0, eq), l.substring(eq + 1).replaceAll("^['\"]|['\"]$", ""));
            }
        }
        return env;
    }

    /** The fixture's state folder: its openrc and clouds.yaml (cloud "imagebuilder-test"). */
    static Path openStackState() {
        String stateEnv = System.getenv("IMAGEBUILDER_OPENSTACK_STATE");
        return stateEnv != null && !stateEnv.isBlank() ? Path.of(stateEnv)
                : Path.of(System.getProperty("user.home"), ".cache/imagebuilder/openstack");
    }

    static OpenStackCredentials credentials(Map<String, String> openrc) {
        return OpenStackCredentials.fromEnvironment(openrc);
    }

    static StepContext context(Path work, io.imagebuilder.BuildListener listener) {
        return new StepContext("e2e", work, listener, new Cancellation(), new SecretMasker());
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    static String run(long timeoutSeconds, List<String> command) throws Exception {
        return run(timeoutSeconds, command, Map.of());
    }

    static String run(long timeoutSeconds, List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("e2e-cmd", ".log");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not finish in " + timeoutSeconds + " s");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(command + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
