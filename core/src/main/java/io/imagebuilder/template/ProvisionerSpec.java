package io.imagebuilder.template;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One provisioning step, run in order over SSH once the guest answers. Shell and file are Packer's; the VISA
 * provisioners (guacd, xrdp, ...) and any others come as {@link Custom}, checked by a
 * {@link io.imagebuilder.spi.ProvisionerKind} when the template is loaded.
 */
public sealed interface ProvisionerSpec {

    /** Where the provisioner was declared, for error messages. */
    Location location();

    /** A short name for logs and events, e.g. {@code shell[2]} or {@code guacd}. */
    String displayName();

    /** Options every provisioner has (Packer's {@code pause_before}, {@code max_retries}, {@code timeout}). */
    Common common();

    record Common(Duration pauseBefore, int maxRetries, Optional<Duration> timeout) {
        public static Common defaults() {
            return new Common(Duration.ZERO, 0, Optional.empty());
        }
    }

    /**
     * Packer's shell provisioner.
     *
     * @param executeCommand how each script runs; {@code {{ .Vars }}} is the environment assignments and
     *                       {@code {{ .Path }}} the uploaded script (Packer's default {@code chmod +x {{ .Path }};
     *                       {{ .Vars }} {{ .Path }}})
     * @param expectDisconnect the script may drop the connection (reboot): reconnect and carry on
     */
    record Shell(Location location, String displayName, List<String> inline, List<Path> scripts,
                 Map<String, String> environment, String executeCommand, boolean expectDisconnect,
                 Common common) implements ProvisionerSpec {

        public static final String PACKER_EXECUTE_COMMAND = "chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}";

        public Shell {
            inline = List.copyOf(inline);
            scripts = List.copyOf(scripts);
            environment = OrderedMaps.copyOf(environment);
        }
    }

    /**
     * Packer's file provisioner. A source directory ending in {@code /} uploads its contents into
     * {@code destination}; without the slash the directory itself is created inside {@code destination}.
     *
     * @param rendered files uploaded with a source directory that it holds only as templates (a packme tree's
     *                 {@code .tlt} files): path relative to the directory, to content
     */
    record FileUpload(Location location, String displayName, Path source, String destination,
                      boolean contentsOnly, Common common, Map<String, String> rendered) implements ProvisionerSpec {

        public FileUpload {
            rendered = OrderedMaps.copyOf(rendered);
        }

        public FileUpload(Location location, String displayName, Path source, String destination,
                          boolean contentsOnly, Common common) {
            this(location, displayName, source, destination, contentsOnly, common, Map.of());
        }
    }

    /**
     * A provisioner provided by a module (the VISA set lives in {@code provisioners}). {@code options} are the
     * YAML values with variables already resolved; the matching ProvisionerKind turns them into its typed form.
     */
    record Custom(Location location, String displayName, String type, Map<String, Object> options,
                  Common common) implements ProvisionerSpec {
        public Custom {
            options = OrderedMaps.copyOf(options);
        }
    }
}
