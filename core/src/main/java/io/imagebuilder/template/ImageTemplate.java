package io.imagebuilder.template;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One image, fully resolved: every {{ var }} replaced, every path absolute, inherited values filled in.
 * Both template layouts (ours and packme's) load into this; Java code can build one with {@link #builder}.
 * The build-time values {@code {{ .HTTPIP }}}, {@code {{ .HTTPPort }}}, {@code {{ .Name }}} stay in the boot
 * command and generated HTTP content until the build knows them.
 *
 * @param location    the file the template came from (for error messages)
 * @param parent      the template this one extends, built first
 * @param httpDirectory folder served to the guest by the embedded HTTP server
 * @param httpContent generated files served beside it (path to content), e.g. a rendered preseed
 * @param variables   the resolved variable values, for plan output and cache digests (secrets masked)
 * @param verify      how the finished image is verified before it is published, if at all
 */
public record ImageTemplate(String name, Location location, Optional<String> parent, String description,
                            Source source, Machine machine, Communicator communicator,
                            Optional<Path> httpDirectory, Map<String, String> httpContent,
                            List<ProvisionerSpec> provisioners, Shutdown shutdown, Output output,
                            Optional<Publish> publish, Map<String, String> variables, Optional<Verify> verify) {

    public ImageTemplate {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("image name '" + name
                    + "' must start with a letter or digit and use only letters, digits, '.', '_' and '-'");
        }
        httpContent = OrderedMaps.copyOf(httpContent);
        provisioners = List.copyOf(provisioners);
        variables = OrderedMaps.copyOf(variables);
    }

    @Override
    public String toString() {
        // generated files (a preseed) hold rendered passwords: print their names and sizes, never their text
        StringBuilder http = new StringBuilder("{");
        httpContent.forEach((k, v) -> http.append(http.length() > 1 ? ", " : "").append(k).append(" (")
                .append(v.length()).append(" chars)"));
        return "ImageTemplate[name=" + name + ", location=" + location + ", parent=" + parent
                + ", description=" + description + ", source=" + source + ", machine=" + machine
                + ", communicator=" + communicator + ", httpDirectory=" + httpDirectory + ", httpContent="
                + http.append('}') + ", provisioners=" + provisioners + ", shutdown=" + shutdown + ", output="
                + output + ", publish=" + publish + ", variables=" + variables + ", verify=" + verify + "]";
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.location = location;
        b.parent = parent.orElse(null);
        b.description = description;
        b.source = source;
        b.machine = machine;
        b.communicator = communicator;
        b.httpDirectory = httpDirectory.orElse(null);
        b.httpContent.putAll(httpContent);
        b.provisioners.addAll(provisioners);
        b.shutdown = shutdown;
        b.output = output;
        b.publish = publish.orElse(null);
        b.variables.putAll(variables);
        b.verify = verify.orElse(null);
        return b;
    }

    /** Builds a template in Java code. Everything but the source has Packer's defaults. */
    public static final class Builder {
        private final String name;
        private Location location = Location.UNKNOWN;
        private String parent;
        private String description = "";
        private Source source;
        private Machine machine = Machine.defaults();
        private Communicator communicator = Communicator.defaults();
        private Path httpDirectory;
        private final Map<String, String> httpContent = new LinkedHashMap<>();
        private final List<ProvisionerSpec> provisioners = new ArrayList<>();
        private Shutdown shutdown = Shutdown.defaults();
        private Output output = Output.defaults();
        private Publish publish;
        private final Map<String, String> variables = new LinkedHashMap<>();
        private Verify verify;

        private Builder(String name) {
            this.name = name;
        }

        public Builder location(Location v) { this.location = v; return this; }
        public Builder parent(String v) { this.parent = v; return this; }
        public Builder description(String v) { this.description = v; return this; }
        public Builder source(Source v) { this.source = v; return this; }
        public Builder machine(Machine v) { this.machine = v; return this; }
        public Builder communicator(Communicator v) { this.communicator = v; return this; }
        public Builder httpDirectory(Path v) { this.httpDirectory = v; return this; }
        public Builder httpContent(String path, String content) { httpContent.put(path, content); return this; }
        public Builder provisioner(ProvisionerSpec v) { provisioners.add(v); return this; }
        public Builder clearProvisioners() { provisioners.clear(); return this; }
        public Builder shutdown(Shutdown v) { this.shutdown = v; return this; }
        public Builder output(Output v) { this.output = v; return this; }
        public Builder publish(Publish v) { this.publish = v; return this; }
        public Builder variable(String k, String v) { variables.put(k, v); return this; }
        public Builder verify(Verify v) { this.verify = v; return this; }

        public ImageTemplate build() {
            if (source == null) {
                throw new IllegalStateException("template '" + name + "' has no source");
            }
            return new ImageTemplate(name, location, Optional.ofNullable(parent), description, source, machine,
                    communicator, Optional.ofNullable(httpDirectory), httpContent, provisioners, shutdown, output,
                    Optional.ofNullable(publish), variables, Optional.ofNullable(verify));
        }
    }
}
