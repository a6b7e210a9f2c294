package io.imagebuilder.cli;

import io.imagebuilder.BuildPlan;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.OnError;
import io.imagebuilder.qemu.LibvirtDriver;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.internal.PackmeLayout;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of the original build-image.sh (with the same environment variables) and the template
 * selection, shared by {@code build}, {@code plan} and {@code validate}.
 */
final class TemplateOptions {

    @Option(names = {"-pp", "--pam-public"}, paramLabel = "KEY",
            description = "VISA PAM public key: a PEM text or a file holding it (env VISA_PAM_PUBLIC_KEY).",
            defaultValue = "${env:VISA_PAM_PUBLIC_KEY}")
    String pamPublic;

    @Option(names = {"-rp", "--root-password"}, paramLabel = "PASSWORD", arity = "0..1", interactive = true,
            description = "Root password of the image; -rp alone asks for it without echo. Or set"
                    + " VISA_ROOT_PASSWORD. A value written after -rp is visible to every user of this machine"
                    + " (ps) for the whole build. Never printed.",
            defaultValue = "${env:VISA_ROOT_PASSWORD}")
    String rootPassword;

    @Option(names = {"-hp", "--http-proxy"}, paramLabel = "URL",
            description = "HTTP proxy the guest uses for packages and sources (env VISA_HTTP_PROXY): the"
                    + " variables http_proxy and proxy (a packme tree's name), and {http_proxy}/{https_proxy} in"
                    + " its .tlt files.",
            defaultValue = "${env:VISA_HTTP_PROXY}")
    String httpProxy;

    @Option(names = {"-np", "--no-proxy"}, paramLabel = "HOSTS",
            description = "Hosts reached without the proxy (env VISA_NO_PROXY_HOSTS).",
            defaultValue = "${env:VISA_NO_PROXY_HOSTS}")
    String noProxy;

    @Option(names = {"-nh", "--not-headless"}, description = "Show the VM's display instead of running headless"
            + " (and the variable headless is false; it is true otherwise, as a site's build script exports it).")
    boolean notHeadless;

    @Option(names = {"-t", "--templates"}, paramLabel = "DIR",
            description = "Templates folder: ours (image folders) or packme's (config.yml). Default: the bundled"
                    + " example.")
    Path templates;

    @Option(names = "--only", paramLabel = "NAME", description = "The image to build (its parents are built"
            + " or reused first). Default: the last image of the bundled example.")
    String only;

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "A variable value (repeatable).")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(names = "--var-file", paramLabel = "FILE", description = "A YAML file of variable values.")
    List<Path> varFiles = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where images go (default: output).")
    Path output = ImageBuilder.DEFAULT_OUTPUT;

    @Option(names = "--force", description = "Rebuild every stage even when an up-to-date image exists.")
    boolean force;

    @Option(names = "--on-error", paramLabel = "cleanup|abort", description = "After a failure, remove"
            + " everything (cleanup, default) or keep the VM, disks and logs for debugging (abort).")
    String onError = "cleanup";

    @Option(names = "--accelerator", paramLabel = "auto|kvm|tcg", description = "Override the accelerator.")
    String accelerator;

    @Option(names = "--executor", paramLabel = "auto|vm|chroot", description = "Where provisioners run, for every"
            + " stage: the booted VM, a chroot of the stage's disk on this host (native speed, needs root), or auto"
            + " (the default: the chroot where KVM is not usable, unless the stage boots or reboots). The plan says"
            + " which each stage uses and why.")
    String executor;

    @Option(names = "--no-verify", description = "Skip the templates' verify sections (booting the image as VISA"
            + " would and checking its desktop and JupyterLab); for quick iterations, never for images you publish.")
    boolean noVerify;

    @Option(names = "--libvirt-uri", paramLabel = "URI", description = "The libvirtd to run the build VM"
            + " (default: env LIBVIRT_DEFAULT_URI, else qemu:///system).")
    String libvirtUri;

    /** The builder these options describe. */
    ImageBuilder builder(Path defaultTemplates, String defaultImage) throws java.io.IOException {
        Path root = templates != null ? templates : defaultTemplates;
        String name = only != null ? only : defaultImage;
        ImageBuilder b = name == null ? ImageBuilder.from(root) : ImageBuilder.from(root, name);
        Map<String, String> values = new LinkedHashMap<>();
        if (pamPublic != null && !pamPublic.isBlank()) {
            Path file = Path.of(pamPublic);
            values.put("pam_public_key", Files.isRegularFile(file) ? Files.readString(file).trim() : pamPublic);
        }
        putIfSet(values, "root_password", rootPassword);
        putIfSet(values, "http_proxy", httpProxy);
        putIfSet(values, "proxy", httpProxy);
        putIfSet(values, "no_proxy", noProxy);
        if (notHeadless) {
            values.put("headless", "false");
        }
        values.putAll(vars);
        if (PackmeLayout.isRoot(root)) { // what a VISA site's build script exports for packme
            b = b.variableDefaults(Map.of("headless", "true", "proxy", ""));
        }
        b = b.variables(values).variableFiles(varFiles).outputDirectory(output).force(force)
                .onError(OnError.parse(onError));
        if (notHeadless) {
            b = b.headless(false);
        }
        if (executor != null) {
            b = b.executor(Executor.parse(executor));
        }
        if (noVerify) {
            b = b.verify(false);
        }
        if (accelerator != null) {
            b = b.accelerator(Accelerator.parse(accelerator));
        }
        if (libvirtUri != null) {
            b = b.driver(new LibvirtDriver(libvirtUri));
        }
        return b;
    }

    /** One line for each option given that sets only variables no template of the plan uses. */
    List<String> unusedWarnings(BuildPlan plan) {
        Set<String> used = new HashSet<>();
        plan.stages().forEach(s -> used.addAll(s.template().variables().keySet()));
        Map<String, List<String>> given = new LinkedHashMap<>();
        if (pamPublic != null && !pamPublic.isBlank()) {
            given.put("-pp", List.of("pam_public_key"));
        }
        if (rootPassword != null && !rootPassword.isBlank()) {
            given.put("-rp", List.of("root_password"));
        }
        if (httpProxy != null && !httpProxy.isBlank()) {
            given.put("-hp", List.of("http_proxy", "proxy"));
        }
        if (noProxy != null && !noProxy.isBlank()) {
            given.put("-np", List.of("no_proxy"));
        }
        vars.keySet().forEach(name -> given.put("--var " + name, List.of(name)));
        List<String> out = new ArrayList<>();
        given.forEach((option, names) -> {
            if (names.stream().noneMatch(used::contains)) {
                out.add(option + " sets " + String.join(" and ", names) + ", which no template of "
                        + plan.target().template().name() + " uses");
            }
        });
        return out;
    }

    private static void putIfSet(Map<String, String> values, String name, String value) {
        if (value != null && !value.isBlank()) {
            values.put(name, value);
        }
    }
}
