package io.imagebuilder;

import io.imagebuilder.internal.build.BuildContext;
import io.imagebuilder.internal.build.BuildServices;
import io.imagebuilder.internal.build.BuildSettings;
import io.imagebuilder.internal.build.ChainBuild;
import io.imagebuilder.internal.build.HostProcesses;
import io.imagebuilder.internal.build.Preflight;
import io.imagebuilder.internal.steps.ExecutorChoice;
import io.imagebuilder.internal.steps.StagePlanner;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Executor;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.TemplateChain;
import io.imagebuilder.template.TemplateLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds an image from a template: {@code ImageBuilder.from(Path.of("templates/visa-base")).build()}.
 * Immutable: every option returns a new builder. {@link #plan()} resolves everything without starting a VM;
 * {@link #build()} runs the build (interrupt the thread to cancel), {@link #start()} runs it on its own thread
 * with a handle to cancel it. The VM driver and the SSH guest access are found on the class path (modules
 * qemu-driver, provisioners) unless given; the final image is published where {@link #publishTo} says.
 */
public final class ImageBuilder {

    /** Where the images go unless {@link #outputDirectory} says otherwise. */
    public static final Path DEFAULT_OUTPUT = Path.of("output");

    private final Function<TemplateLoader, TemplateChain> templateSource;
    private final Options options;

    private ImageBuilder(Function<TemplateLoader, TemplateChain> templateSource, Options options) {
        this.templateSource = templateSource;
        this.options = options;
    }

    /** A template folder of our layout (with image.yml), or a packme root (config.yml) holding one template. */
    public static ImageBuilder from(Path template) {
        Objects.requireNonNull(template, "template");
        return new ImageBuilder(loader -> loader.load(template), new Options());
    }

    /** Template {@code name} under a templates root (packme's config.yml root, or a folder of image folders). */
    public static ImageBuilder from(Path root, String name) {
        return new ImageBuilder(loader -> loader.load(root, name), new Options());
    }

    /** A template written as YAML in our layout; relative paths resolve against {@code baseDir}. */
    public static ImageBuilder fromYaml(String yaml, Path baseDir) {
        return new ImageBuilder(loader -> loader.loadYaml(yaml, baseDir), new Options());
    }

    /** A template built in Java. It has no parent (build a chain from folders). */
    public static ImageBuilder from(ImageTemplate template) {
        if (template.parent().isPresent()) {
            throw new IllegalArgumentException("a Java-built template cannot extend another; load it from a folder");
        }
        return new ImageBuilder(loader -> new TemplateChain(List.of(template), List.of(),
                template.communicator().password().stream().toList()), new Options());
    }

    /** A variable value (highest precedence, like the CLI's {@code --var k=v}). */
    public ImageBuilder variable(String name, String value) {
        return variables(Map.of(name, value));
    }

    public ImageBuilder variables(Map<String, String> values) {
        return with(o -> {
            Map<String, String> all = new LinkedHashMap<>(o.variables);
            all.putAll(values);
            o.variables = Map.copyOf(all);
        });
    }

    /** Values used where nothing else defines the name (lowest precedence), as a site's build script exports them. */
    public ImageBuilder variableDefaults(Map<String, String> values) {
        return with(o -> {
            Map<String, String> all = new LinkedHashMap<>(o.defaults);
            all.putAll(values);
            o.defaults = Map.copyOf(all);
        });
    }

    /** YAML files of variable values ({@code --var-file}). */
    public ImageBuilder variableFiles(List<Path> files) {
        return with(o -> {
            List<Path> all = new ArrayList<>(o.variableFiles);
            all.addAll(files);
            o.variableFiles = List.copyOf(all);
        });
    }

    /** The environment {@code VISA_*} values are read from (default: the process's). */
    public ImageBuilder environment(Map<String, String> env) {
        return with(o -> o.environment = Map.copyOf(env));
    }

    public ImageBuilder outputDirectory(Path dir) {
        return with(o -> o.outputDir = Objects.requireNonNull(dir));
    }

    /**
     * Where downloaded ISOs, images and packages are cached (default {@code IMAGEBUILDER_CACHE}, else
     * {@code /var/cache/imagebuilder} for root, {@code ~/.cache/imagebuilder} for others).
     */
    public ImageBuilder cacheDirectory(Path dir) {
        return with(o -> o.cacheDir = Objects.requireNonNull(dir));
    }

    public ImageBuilder headless(boolean value) {
        return with(o -> o.headless = Optional.of(value));
    }

    public ImageBuilder accelerator(Accelerator value) {
        return with(o -> o.accelerator = Optional.of(value));
    }

    /** Where every stage's provisioners run (overrides the templates' {@code machine.executor}). */
    public ImageBuilder executor(Executor value) {
        return with(o -> o.executor = Optional.of(value));
    }

    /** Whether the templates' {@code verify:} sections run (default); off for quick iterations. */
    public ImageBuilder verify(boolean value) {
        return with(o -> o.verify = value);
    }

    public ImageBuilder listener(BuildListener value) {
        return with(o -> o.listener = Objects.requireNonNull(value));
    }

    /**
     * Publish the final image there (the template's {@code publish} section says how), e.g.
     * {@code GlanceTarget.of(OpenStackCredentials.fromEnvironment(System.getenv()))} of the glance module.
     */
    public ImageBuilder publishTo(PublishTarget target) {
        return with(o -> o.publishTo = Optional.of(target));
    }

    public ImageBuilder onError(OnError value) {
        return with(o -> o.onError = Objects.requireNonNull(value));
    }

    /** Rebuild every stage even where an up-to-date image exists (Packer's {@code -force}). */
    public ImageBuilder force(boolean value) {
        return with(o -> o.force = value);
    }

    public ImageBuilder driver(MachineDriver value) {
        return with(o -> o.driver = Optional.of(value));
    }

    public ImageBuilder guestAccess(GuestAccess value) {
        return with(o -> o.guestAccess = Optional.of(value));
    }

    /** Loads and checks the template chain and says what would run; starts nothing. */
    public BuildPlan plan() {
        Map<String, ProvisionerKind> kinds = ProvisionerKind.onClassPath();
        TemplateChain chain = load(kinds);
        StagePlanner planner = new StagePlanner(context(chain, kinds, new Cancellation()));
        List<BuildPlan.Stage> stages = new ArrayList<>();
        Optional<Path> parentImage = Optional.empty();
        for (ImageTemplate t : chain.stages()) {
            Path image = planner.outputImage(t).image();
            boolean last = t == chain.target();
            List<String> steps = planner.steps(t, parentImage, "imagebuilder-" + t.name(), last).stream()
                    .map(Step::name).toList();
            ExecutorChoice executor = planner.executor(t);
            stages.add(new BuildPlan.Stage(t, steps, image, steps.contains("mount-disk") || steps.contains("start-vm")
                    ? executor.executor().lowerCase() + " (" + executor.why() + ")" : ""));
            parentImage = Optional.of(image);
        }
        return new BuildPlan(stages, chain.warnings());
    }

    /**
     * Builds the chain, parents first (reusing up-to-date images), and publishes the last image when a target
     * was given. Interrupting the calling thread cancels the build; cleanups run first.
     *
     * @throws io.imagebuilder.template.TemplateException bad template, before anything starts
     * @throws ImageBuildException                        a step failed (its cleanups have run), or, before
     *                                                    anything starts, the publish target refused the credentials
     */
    public BuildResult build() {
        return run(new Cancellation());
    }

    /** Starts the build on a new thread; the handle cancels it and waits for it. */
    public BuildHandle start() {
        Cancellation cancellation = new Cancellation();
        CompletableFuture<BuildResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(cancellation));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "imagebuilder-build");
        thread.start();
        return new BuildHandle(result, () -> {
            cancellation.cancel();
            thread.interrupt();
        });
    }

    private BuildResult run(Cancellation cancellation) {
        Map<String, ProvisionerKind> kinds = ProvisionerKind.onClassPath(); // once: to check and to run
        TemplateChain chain = load(kinds);
        BuildContext build = context(chain, kinds, cancellation);
        String target = chain.target().name();
        chain.warnings().forEach(w -> build.listener().onEvent(new BuildEvent.Message(target,
                BuildEvent.Level.WARN, w.location() + ": " + w.message())));
        Preflight.check(chain.stages(), build.services());
        build.settings().publishTo().ifPresent(to -> Preflight.checkCredentials(to, target, build));
        Preflight.reapLeftovers(build, target);
        try {
            return new ChainBuild(build).run(chain.stages());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TemplateChain load(Map<String, ProvisionerKind> kinds) {
        TemplateLoader loader = TemplateLoader.create().variables(options.variables).environment(options.environment)
                .variableFiles(options.variableFiles).defaults(options.defaults).provisionerKinds(kinds);
        return templateSource.apply(loader);
    }

    /** The one context of a plan or build: settings, services, listener, masked secrets, cancel flag. */
    private BuildContext context(TemplateChain chain, Map<String, ProvisionerKind> kinds,
                                 Cancellation cancellation) {
        Options o = options;
        BuildSettings settings = new BuildSettings(o.outputDir, o.cacheDir, o.onError, o.force, o.publishTo,
                o.accelerator, o.headless, o.executor, o.verify);
        // secret variables wherever they were used, and SSH passwords
        return BuildContext.of(settings, BuildServices.of(o.driver, o.guestAccess, kinds), o.listener,
                chain.secrets(), cancellation);
    }

    private ImageBuilder with(Consumer<Options> change) {
        Options copy = options.copy();
        change.accept(copy);
        return new ImageBuilder(templateSource, copy);
    }

    /**
     * {@code IMAGEBUILDER_CACHE}, else for root {@code /var/cache/imagebuilder} (a home folder is closed to the
     * user libvirt runs QEMU as, which reads cached base images), else {@code ~/.cache/imagebuilder}.
     */
    static Path defaultCacheDir() {
        String env = System.getenv("IMAGEBUILDER_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return HostProcesses.isRoot() ? Path.of("/var/cache/imagebuilder")
                : Path.of(System.getProperty("user.home"), ".cache", "imagebuilder");
    }

    /** The options set so far, with their defaults. Every value is immutable, so a shallow copy is a copy. */
    private static final class Options implements Cloneable {
        Map<String, String> variables = Map.of();
        Map<String, String> defaults = Map.of();
        Map<String, String> environment = System.getenv();
        List<Path> variableFiles = List.of();
        Path outputDir = DEFAULT_OUTPUT;
        Path cacheDir = defaultCacheDir();
        Optional<Boolean> headless = Optional.empty();
        Optional<Accelerator> accelerator = Optional.empty();
        Optional<Executor> executor = Optional.empty();
        boolean verify = true;
        BuildListener listener = BuildListener.NONE;
        Optional<PublishTarget> publishTo = Optional.empty();
        OnError onError = OnError.CLEANUP;
        boolean force;
        Optional<MachineDriver> driver = Optional.empty();
        Optional<GuestAccess> guestAccess = Optional.empty();

        Options copy() {
            try {
                return (Options) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
