package io.imagebuilder.template.internal;

import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Machine;
import io.imagebuilder.template.Output;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Secret;
import io.imagebuilder.template.Shutdown;
import io.imagebuilder.template.Verify;
import io.imagebuilder.template.internal.YNode.YSeq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one image's YAML (our layout, with inherited sections already merged in; packme manifests are
 * translated to it first) into an {@link ImageTemplate}. Problems are collected, not thrown.
 */
final class ImageMapper {

    private final ProvisionerMapper provisioners;

    ImageMapper(ProvisionerMapper provisioners) {
        this.provisioners = provisioners;
    }

    ImageTemplate map(RawImage image, Section top) {
        top.node("name");
        top.node("extends");
        top.node("variables");
        ImageTemplate.Builder b = ImageTemplate.builder(image.name())
                .location(image.location())
                .description(top.string("description", ""))
                .source(SourceMapper.read(top, image.parent()));
        image.parent().ifPresent(b::parent);
        top.section("machine").ifPresent(s -> b.machine(machine(s)));
        top.section("ssh").ifPresent(s -> b.communicator(ssh(s)));
        http(top).ifPresent(dir -> {
            b.httpDirectory(dir);
            // packme and Packer serve http files as they are (a cloud-init "## template: jinja" is cloud-init's)
            if (Files.isDirectory(dir) && top.ctx().packme().isEmpty()) { // a missing one is already reported
                HttpContent.render(dir, top.ctx()).forEach(b::httpContent);
            }
        });
        provisioners.read(top).forEach(b::provisioner);
        top.section("shutdown").ifPresent(s -> b.shutdown(shutdown(s)));
        Output output = top.section("output").map(ImageMapper::output).orElse(Output.defaults());
        b.output(output);
        top.section("publish").ifPresent(s -> publish(s, image.name(), output).ifPresent(b::publish));
        top.section("verify").ifPresent(s -> verify(s).ifPresent(b::verify));
        top.done();
        return b.build();
    }

    private static Optional<Path> http(Section top) {
        Optional<Section> http = top.section("http");
        if (http.isPresent()) {
            Optional<Path> dir = http.get().path("directory", "http directory");
            http.get().done();
            if (dir.isPresent()) {
                return dir;
            }
        }
        Path conventional = top.ctx().baseDir().resolve("http").toAbsolutePath().normalize();
        return Files.isDirectory(conventional) ? Optional.of(conventional) : Optional.empty();
    }

    private static Machine machine(Section s) {
        Machine d = Machine.defaults();
        int cpus = s.parsed("cpus", d.cpus(), Values::integer);
        long memory = s.parsed("memory", (long) d.memoryMb(), Values::megabytes);
        long disk = s.parsed("disk_size", d.diskSizeMb(), Values::megabytes);
        Accelerator acc = s.parsed("accelerator", d.accelerator(), Accelerator::parse);
        boolean headless = s.parsed("headless", d.headless(), Values::bool);
        Executor executor = s.parsed("executor", d.executor(), Executor::parse);
        List<List<String>> args = new ArrayList<>();
        for (String key : List.of("qemu_args", "qemuargs")) {
            for (YNode arg : s.list(key)) {
                // Packer writes each argument as a list (["-cpu", "host"]); a plain string is one argument
                List<YNode> parts = arg instanceof YSeq seq ? seq.items() : List.of(arg);
                args.add(parts.stream().map(n -> s.ctx().text(n, key).text()).toList());
            }
        }
        s.done();
        try {
            return new Machine(cpus, Math.toIntExact(memory), disk, acc, headless, args, executor);
        } catch (IllegalArgumentException | ArithmeticException e) {
            s.ctx().problems().error(s.location(), "machine: " + e.getMessage());
            return d;
        }
    }

    private static Communicator ssh(Section s) {
        Communicator d = Communicator.defaults();
        Communicator c = new Communicator(s.string("username", d.username()),
                s.string("password").map(Secret::of),
                s.path("private_key", "SSH private key"),
                s.parsed("port", d.port(), Values::integer),
                s.parsed("timeout", d.timeout(), Values::duration),
                s.parsed("temporary_key", d.temporaryKey(), Values::bool));
        s.done();
        return c;
    }

    private static Shutdown shutdown(Section s) {
        Shutdown sh = new Shutdown(s.string("command"),
                s.parsed("timeout", Shutdown.PACKER_SHUTDOWN_TIMEOUT, Values::duration));
        s.done();
        return sh;
    }

    private static Output output(Section s) {
        Output d = Output.defaults();
        Output.Format format = s.parsed("format", d.format(), Output.Format::parse);
        Output.Compression compression = s.parsed("compression", d.compression(), Output.Compression::parse);
        boolean compact = s.parsed("compact", d.compact(), Values::bool);
        s.done();
        try {
            return new Output(format, compression, compact);
        } catch (IllegalArgumentException e) {
            s.ctx().problems().error(s.location(), "output: " + e.getMessage());
            return d;
        }
    }

    private static Optional<Verify> verify(Section s) {
        Verify d = Verify.ofDesktop();
        try {
            String screen = s.string("screen", d.screenWidth() + "x" + d.screenHeight());
            if (!screen.matches("\\d{3,4}x\\d{3,4}")) {
                throw new IllegalArgumentException("screen must be WIDTHxHEIGHT like 1280x800, got '" + screen + "'");
            }
            String[] wh = screen.split("x");
            return Optional.of(new Verify(s.string("owner", d.owner()),
                    s.parsed("desktop", d.desktop(), Values::bool),
                    s.parsed("jupyterlab", d.jupyterLab(), Values::bool),
                    s.strings("kernels"),
                    Integer.parseInt(wh[0]), Integer.parseInt(wh[1]),
                    s.string("keyboard_layout", d.keyboardLayout()),
                    s.string("boot_command"),
                    s.parsed("timeout", d.timeout(), Values::duration)));
        } catch (IllegalArgumentException e) {
            s.ctx().problems().error(s.location(), "verify: " + e.getMessage());
            return Optional.empty();
        } finally {
            s.done();
        }
    }

    private static Optional<Publish> publish(Section s, String imageName, Output output) {
        Map<String, String> properties = new LinkedHashMap<>();
        s.section("properties").ifPresent(p -> p.keys().forEach(k -> properties.put(k, p.string(k, ""))));
        try {
            Publish p = new Publish(s.string("name", imageName),
                    s.parsed("visibility", Publish.Visibility.PRIVATE,
                            Values.oneOf(Publish.Visibility::parse, "public, private, shared, community")),
                    s.parsed("min_disk", 0, Values::integer),
                    s.parsed("min_ram", 0, Values::integer),
                    s.string("disk_format", output.format().qemuName()),
                    s.string("container_format", "bare"),
                    s.parsed("protected", false, Values::bool),
                    properties, s.strings("tags"),
                    s.parsed("on_conflict", Publish.OnConflict.KEEP_BOTH,
                            Values.oneOf(Publish.OnConflict::parse, "fail, replace, keep-both")));
            return Optional.of(p);
        } catch (IllegalArgumentException e) {
            s.ctx().problems().error(s.location(), "publish: " + e.getMessage());
            return Optional.empty();
        } finally {
            s.done();
        }
    }
}
