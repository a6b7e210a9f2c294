package io.imagebuilder.cli;

import io.imagebuilder.BuildCancelledException;
import io.imagebuilder.BuildHandle;
import io.imagebuilder.BuildPlan;
import io.imagebuilder.BuildResult;
import io.imagebuilder.ImageBuildException;
import io.imagebuilder.ImageBuilder;
import io.imagebuilder.glance.GlanceTarget;
import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.TemplateException;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code build-image}: builds the VISA images (or any templates) and publishes them to Glance. The options of
 * the original build-image.sh keep their names and environment variables.
 */
@Command(name = BuildImage.NAME, mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        header = "Build VISA virtual-machine images with QEMU/libvirt and publish them to OpenStack Glance.",
        description = {
            "Builds the chain of images a template extends, reusing every stage whose inputs have not changed,"
                + " then converts the last image and, with --publish (never without), uploads it to Glance.",
            "",
            "Without --only it builds the bundled default, visa-ci: ci-base (Debian 12 made with debootstrap)"
                + " -> visa-ci (the VISA provisioners, without a desktop). The site chain is system-base ->"
                + " visa-base -> visa-apps (--only visa-apps).",
            "",
            "Templates are read from --templates: a folder of image folders (image.yml) or a packme tree"
                + " (config.yml). Variables come, lowest precedence first, from the templates, their"
                + " environment.yml files, --var-file, VISA_* environment variables, the options below and"
                + " --var.",
            "",
            "Headless builds print a vnc:// address to watch the console. Every build writes a timestamped"
                + " log under OUTPUT/logs. Secrets are masked everywhere."},
        footerHeading = "%nExit status:%n",
        footer = {"  0   the image was built (and published)",
            "  1   the build failed (the step and reason are printed; nothing is left behind)",
            "  2   bad usage, template or variables (nothing was started)",
            "  130 cancelled (Ctrl-C); cleanups ran",
            "",
            "Examples:",
            "  build-image -rp \"$PW\" -pp pam.pub --only visa-base",
            "  build-image --templates my-site --publish --os-cloud mycloud",
            "  build-image plan --only visa-apps",
            "",
            "Shell completion (bash, zsh): source <(build-image generate-completion)"},
        subcommands = {BuildImage.Plan.class, BuildImage.Validate.class, PublishCommand.class,
            VerifyCommand.class, OwnerScriptCommand.class, CleanCommand.class, CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class})
public final class BuildImage implements Callable<Integer> {

    static final String NAME = "build-image";

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int CANCELLED = 130;

    /** The bundled example, unless --templates names another tree. */
    static Path defaultTemplates() {
        return Path.of(System.getProperty("imagebuilder.templates", "examples/templates"));
    }

    /** Glance with credentials from the OS_* environment, with {@code --os-cloud} (if given) as OS_CLOUD. */
    static GlanceTarget glance(String osCloud) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (osCloud != null) {
            env.put("OS_CLOUD", osCloud);
        }
        return GlanceTarget.of(OpenStackCredentials.fromEnvironment(env));
    }

    static String defaultImage() {
        return System.getProperty("imagebuilder.image", "visa-ci");
    }

    @Mixin
    TemplateOptions options;

    @Option(names = "--publish", description = "Upload the final image to Glance (credentials from OS_*"
            + " variables or --os-cloud). Nothing is published without it, whatever the environment holds.")
    boolean publish;

    @Option(names = "--no-publish", description = "Do not publish (the default; wins over --publish).")
    boolean noPublish;

    @Option(names = "--os-cloud", paramLabel = "NAME", description = "Cloud of clouds.yaml to publish to"
            + " (env OS_CLOUD); implies --publish.")
    String osCloud;

    @Option(names = "--start-libvirtd", description = "On a machine without systemd (a CI container), start"
            + " libvirtd and virtlogd with the host's own configuration if none answers (installing the packages"
            + " when missing). Never edits /etc/libvirt.")
    boolean startLibvirtd;

    @Mixin
    ReportOptions report;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        // A publish builds only its own command: picocli reads the annotations of every subcommand when it builds
        // the root, and the upload would wait for that. Its usage, errors and exit codes are the same either way
        // (BuildImageTest compares them).
        if (args.length > 0 && args[0].equals(PublishCommand.NAME)) {
            CommandLine publish = new CommandLine(new PublishCommand())
                    .setCommandName(NAME + " " + PublishCommand.NAME);
            return withUsageErrors(publish).execute(Arrays.copyOfRange(args, 1, args.length));
        }
        return withUsageErrors(new CommandLine(new BuildImage()))
                .setExecutionStrategy(BuildImage::executeWithOptionsBeforeTheSubcommand).execute(args);
    }

    /**
     * {@code build-image --templates DIR plan} means what {@code build-image plan --templates DIR} means: an
     * option given before a subcommand applies to it when the subcommand has that option (a repeatable one adds
     * to what follows the subcommand), and is refused (exit 2) when it does not, never silently dropped.
     */
    static int executeWithOptionsBeforeTheSubcommand(CommandLine.ParseResult root) {
        applyOptionsGivenBefore(root);
        return new CommandLine.RunLast().execute(root);
    }

    static void applyOptionsGivenBefore(CommandLine.ParseResult root) {
        CommandLine.ParseResult sub = root.subcommand();
        if (sub != null && !(sub.commandSpec().userObject() instanceof CommandLine.HelpCommand)) {
            for (CommandLine.Model.OptionSpec given : root.matchedOptions()) {
                applyTo(sub, given);
            }
        }
    }

    private static void applyTo(CommandLine.ParseResult sub, CommandLine.Model.OptionSpec given) {
        String name = given.longestName();
        CommandLine.Model.OptionSpec there = sub.commandSpec().findOption(name);
        if (there == null) {
            throw new CommandLine.ParameterException(sub.commandSpec().commandLine(), name + " does not apply to "
                    + sub.commandSpec().qualifiedName() + " (given before it)");
        }
        Object before = given.getValue();
        if (!sub.hasMatchedOption(there)) {
            there.setValue(before);
        } else if (before instanceof Map<?, ?> m) {
            Map<Object, Object> both = new LinkedHashMap<>(m);
            both.putAll((Map<?, ?>) there.getValue());
            there.setValue(both);
        } else if (before instanceof List<?> l) {
            List<Object> both = new ArrayList<>(l);
            both.addAll((List<?>) there.getValue());
            there.setValue(both);
        } else if (!Objects.equals(before, there.getValue())) {
            throw new CommandLine.ParameterException(sub.commandSpec().commandLine(), name
                    + " is given twice, before and after " + sub.commandSpec().name() + ", with different values");
        }
    }

    /** Bad templates and values found while running exit with {@link #USAGE} and one line, not a stack trace. */
    private static CommandLine withUsageErrors(CommandLine cli) {
        return cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof TemplateException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return USAGE;
            }
            throw e;
        });
    }

    @Override
    public Integer call() throws Exception {
        ImageBuilder builder = options.builder(defaultTemplates(), defaultImage());
        PrintStream console = report.console();
        BuildPlan plan = builder.plan();
        if ((publish || osCloud != null) && !noPublish) {
            GlanceTarget target = glance(osCloud);
            builder = builder.publishTo(target);
            console.println("publish: the final image goes to " + target.describe() + " after the build");
        } else {
            publishHint(plan).ifPresent(console::println);
        }
        options.unusedWarnings(plan).forEach(w -> console.println("warning: " + w));
        if (startLibvirtd) {
            LibvirtdStarter.start(console);
        }
        Path logFile = options.output.resolve("logs").resolve("build-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        JsonLinesEvents json = report.events != null ? new JsonLinesEvents(System.out) : null;
        try (ConsoleProgress progress = new ConsoleProgress(console, logFile, report.level())) {
            console.println("log: " + logFile);
            BuildHandle handle = builder.listener(json == null ? progress : e -> {
                progress.onEvent(e);
                json.onEvent(e);
            }).start();
            CancelOnCtrlC ctrlC = new CancelOnCtrlC(handle::cancel, () -> {
                if (!handle.isDone()) {
                    handle.await();
                }
            });
            try (ctrlC) {
                BuildResult result = handle.await();
                for (BuildResult.StageResult s : result.stages()) {
                    console.println((s.reused() ? "reused  " : "built   ") + s.name() + "  " + s.image()
                            + "  sha256 " + s.sha256());
                }
                result.publishedImageId().ifPresent(id -> console.println("published image " + id));
                if (result.publishedImageId().isEmpty()) {
                    console.println("not published (--publish uploads it to Glance)");
                }
                if (json != null) {
                    json.write(JsonLinesEvents.result(result));
                }
                return OK;
            } catch (BuildCancelledException e) {
                System.err.println(e.getMessage());
                return CANCELLED;
            } catch (ImageBuildException e) {
                System.err.println("error: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** A template that names where it would be published, when the user did not ask to publish. */
    static java.util.Optional<String> publishHint(BuildPlan plan) {
        ImageTemplate last = plan.stages().get(plan.stages().size() - 1).template();
        return last.publish().map(p -> "not publishing: '" + last.name() + "' has a publish section (image \""
                + p.imageName() + "\"); add --publish to upload it to Glance");
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Resolve the templates and print what a build would do; start nothing.")
    static final class Plan implements Callable<Integer> {
        @Mixin
        TemplateOptions options;

        @Override
        public Integer call() throws Exception {
            BuildPlan plan = options.builder(defaultTemplates(), defaultImage()).plan();
            options.unusedWarnings(plan).forEach(w -> System.out.println("warning: " + w));
            System.out.print(plan.describe());
            return OK;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Check the templates and variables (every problem with its file and line); start"
                    + " nothing.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        TemplateOptions options;

        @Override
        public Integer call() throws Exception {
            BuildPlan plan = options.builder(defaultTemplates(), defaultImage()).plan();
            options.unusedWarnings(plan).forEach(w -> System.out.println("warning: " + w));
            plan.warnings().forEach(w -> System.out.println("warning: " + w.location() + ": " + w.message()));
            System.out.println("ok: " + plan.stages().size() + " image(s): "
                    + plan.stages().stream().map(s -> s.template().name()).toList());
            return OK;
        }
    }
}
