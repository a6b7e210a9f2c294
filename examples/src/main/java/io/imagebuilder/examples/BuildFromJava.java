package io.imagebuilder.examples;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A template written in Java: a Debian base made with debootstrap, one shell provisioner, zstd-compressed.
 * Run: {@code java -cp ... io.imagebuilder.examples.BuildFromJava [OUTPUT_DIR]}.
 */
public final class BuildFromJava {

    private BuildFromJava() {
    }

    /** The template; also used by the examples' tests. */
    public static ImageTemplate template() {
        return ImageTemplate.builder("java-example")
                .description("Debian bookworm with a welcome message, built from Java")
                .source(new Source.Bootstrap("bookworm", "http://deb.debian.org/debian", Optional.empty(),
                        List.of()))
                .provisioner(new ProvisionerSpec.Shell(Location.UNKNOWN, "welcome",
                        List.of("echo \"$WELCOME\" > /etc/motd"), List.of(), Map.of("WELCOME", "Built from Java"),
                        ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false, ProvisionerSpec.Common.defaults()))
                .output(new Output(Output.Format.QCOW2, Output.Compression.ZSTD, true))
                .build();
    }

    public static void main(String[] args) {
        Path output = Path.of(args.length > 0 ? args[0] : "output");
        BuildResult result = ImageBuilder.from(template())
                .outputDirectory(output)
                .listener(BuildFromJava::print)
                .build();
        System.out.println(result.image() + " sha256 " + result.sha256());
        result.timings().forEach(t -> System.out.println("  " + t.step() + " " + t.took().toMillis() + " ms"));
    }

    private static void print(BuildEvent e) {
        if (e instanceof BuildEvent.StepStarted s) {
            System.out.println("> " + s.step());
        } else if (e instanceof BuildEvent.Message m) {
            System.out.println("  " + m.text());
        } else if (e instanceof BuildEvent.StepFinished f) {
            System.out.println("  done in " + Duration.ofNanos(f.took().toNanos()).toSeconds() + " s");
        }
    }
}
