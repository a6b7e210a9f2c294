package io.imagebuilder;

import io.imagebuilder.internal.build.BuildSettings;
import io.imagebuilder.internal.build.ChainBuild;
import io.imagebuilder.internal.build.Preflight;
import io.imagebuilder.internal.build.StagePlanner;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.TemplateChain;
import io.imagebuilder.template.TemplateLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Builds an image from a template: {@code ImageBuilder.from(Path.of("templates/visa-base")).build()}.
 * Immutable: every option returns a new builder. {@link #plan()} resolves everything without starting a VM;
 * {@link #build()} runs the build (interrupt the thread to cancel), {@link #start()} runs it on its own thread
 * with a handle to cancel it. The VM driver, SSH provisioners and Glance publisher are found on the class path
 * (modules qemu-driver, provisioners, glance) unless given.
 */
public final class ImageBuilder {

    /** Where the images go unless {@link #outputDirectory} says otherwise. */
    public static final Path DEFAULT_OUTPUT = Path.of("output");

    private final Function<TemplateLoader, TemplateChain> templateSource;
    private final Map<String, String> variables;
    private final Map<String, String> environment;
    private final List<Path> variableFiles;
    private final Path outputDir;
    private final Path cacheDir;
    private final Optional<Boolean> headless;
    private final Optional<Accelerator> accelerator;
    private final BuildListener listener;
    private final Optional<OpenStackCredentials> credentials;
    private final OnError onError;
    private final boolean force;
    private final Optional<MachineDriver> driver;
    private final Optional<GuestAccess> guestAccess;
    private final Optional<ImagePublisher> publisher;

    private ImageBuilder(Function<TemplateLoader, TemplateChain> templateSource) {
        this.templateSource = templateSource;
        this.variables = Map.of();
        this.environment = System.getenv();
        this.variableFiles = List.of();
        this.outputDir = DEFAULT_OUTPUT;
        this.cacheDir = defaultCacheDir();
        this.headless = Optional.empty();
        this.accelerator = Optional.empty();
        this.listener = BuildListener.NONE;
        this.credentials = Optional.empty();
        this.onError = OnError.CLEANUP;
        this.force = false;
        this.driver = Optional.empty();
        this.guestAccess = Optional.empty();
        this.publisher = Optional.empty();
    }

    private ImageBuilder(ImageBuilder b, UnaryOperator<Copy> change) {
        Copy c = change.apply(new Copy(b));
        this.templateSource = b.templateSource;
        this.variables = Map.copyOf(c.variables);
        this.environment = Map.copyOf(c.environment);
        this.variableFiles = List.copyOf(c.variableFiles);
        this.outputDir = c.outputDir;
        this.cacheDir = c.cacheDir;
        this.headless = c.headless;
        this.accelerator = c.accelerator;
        this.listener = c.listener;
        this.credentials = c.credentials;
        this.onError = c.onError;
        this.force = c.force;
        this.driver = c.driver;
        this.guestAccess = c.guestAccess;
        this.publisher = c.publisher;
    }

    /** A template folder of our layout (with image.yml), or a packme root (config.yml) holding one template. */
    public static ImageBuilder from(Path template) {
        Objects.requireNonNull(template, "template");
        return new ImageBuilder(loader -> loader.load(template));
    }

    /** Template {@code name} under a templates root (packme's config.yml root, or a folder of image folders). */
    public static ImageBuilder from(Path root, String name) {
        return new ImageBuilder(loader -> loader.load(root, name));
    }

    /** A template written as YAML in our layout; relative paths resolve against {@code baseDir}. */
    public static ImageBuilder fromYaml(String yaml, Path baseDir) {
        return new ImageBuilder(loader -> loader.loadYaml(yaml, baseDir));
    }

    /** A template built in Java. It has no parent (build a chain from folders). */
    public static ImageBuilder from(ImageTemplate template) {
        if (template.parent().isPresent()) {
            throw new IllegalArgumentException("a Java-built template cannot extend another; load it from a folder");
        }
        return new ImageBuilder(loader -> new TemplateChain(List.of(template), List.of(),
                template.communicator().password().stream().toList()));
    }

    /** A variable value (highest precedence, like the CLI's {@code --var k=v}). */
    public ImageBuilder variable(String name, String value) {
        return new ImageBuilder(this, c -> { c.variables.put(name, value); return c; });
    }

    public ImageBuilder variables(Map<String, String> values) {
        return new ImageBuilder(this, c -> { c.variables.putAll(values); return c; });
    }

    /** YAML files of variable values ({@code --var-file}). */
    public ImageBuilder variableFiles(List<Path> files) {
        return new ImageBuilder(this, c -> { c.variableFiles.addAll(files); return c; });
    }

    /** The environment {@code VISA_*} and {@code OS_*} values are read from (default: the process's). */
    public ImageBuilder environment(Map<String, String> env) {
        return new ImageBuilder(this, c -> { c.environment.clear(); c.environment.putAll(env); return c; });
    }

    public ImageBuilder outputDirectory(Path dir) {
        return new ImageBuilder(this, c -> { c.outputDir = dir; return c; });
    }

    /** Where downloaded ISOs and images are cached (default {@code ~/.cache/imagebuilder}). */
    public ImageBuilder cacheDirectory(Path dir) {
        return new ImageBuilder(this, c -> { c.cacheDir = dir; return c; });
    }

    public ImageBuilder headless(boolean value) {
        return new ImageBuilder(this, c -> { c.headless = Optional.of(value); return c; });
    }

    public ImageBuilder accelerator(Accelerator value) {
        return new ImageBuilder(this, c -> { c.accelerator = Optional.of(value); return c; });
    }

    public ImageBuilder listener(BuildListener value) {
        return new ImageBuilder(this, c -> { c.listener = value; return c; });
    }

    /** Publish the final image to Glance with these credentials (the template's {@code publish} section). */
    public ImageBuilder publishTo(OpenStackCredentials value) {
        return new ImageBuilder(this, c -> { c.credentials = Optional.of(value); return c; });
    }

    public ImageBuilder onError(OnError value) {
        return new ImageBuilder(this, c -> { c.onError = value; return c; });
    }

    /** Rebuild every stage even where an up-to-date image exists (Packer's {@code -force}). */
    public ImageBuilder force(boolean value) {
        return new ImageBuilder(this, c -> { c.force = value; return c; });
    }

    public ImageBuilder driver(MachineDriver value) {
        return new ImageBuilder(this, c -> { c.driver = Optional.of(value); return c; });
    }

    public ImageBuilder guestAccess(GuestAccess value) {
        return new ImageBuilder(this, c -> { c.guestAccess = Optional.of(value); return c; });
    }

    public ImageBuilder publisher(ImagePublisher value) {
        return new ImageBuilder(this, c -> { c.publisher = Optional.of(value); return c; });
    }

    /** Loads and checks the template chain and says what would run; starts nothing. */
    public BuildPlan plan() {
        TemplateChain chain = load();
        BuildSettings settings = settings();
        StagePlanner planner = new StagePlanner(settings, driver().orElse(null), guestAccess().orElse(null),
                publisher().orElse(null));
        List<BuildPlan.Stage> stages = new ArrayList<>();
        Optional<Path> parentImage = Optional.empty();
        for (ImageTemplate t : chain.stages()) {
            Path image = StagePlanner.outputImage(settings, t);
            boolean last = t == chain.target();
            List<String> steps = planner.steps(t, parentImage, "imagebuilder-" + t.name(), last).stream()
                    .map(Step::name).toList();
            stages.add(new BuildPlan.Stage(t, steps, image));
            parentImage = Optional.of(image);
        }
        return new BuildPlan(stages, chain.warnings());
    }

    /**
     * Builds the chain, parents first (reusing up-to-date images), and publishes the last image when
     * credentials were given. Interrupting the calling thread cancels the build; cleanups run first.
     *
     * @throws io.imagebuilder.template.TemplateException bad template, before anything starts
     * @throws ImageBuildException                        a step failed (its cleanups have run), or, before
     *                                                    anything starts, the image service refused the credentials
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
        TemplateChain chain = load();
        chain.warnings().forEach(w -> listener.onEvent(new BuildEvent.Message(chain.target().name(),
                BuildEvent.Level.WARN, w.location() + ": " + w.message())));
        BuildSettings settings = settings();
        Optional<MachineDriver> d = driver();
        Optional<GuestAccess> g = guestAccess();
        Optional<ImagePublisher> p = publisher();
        Preflight.check(chain.stages(), settings, d.isPresent(), g.isPresent(), p.isPresent());
        SecretMasker masker = new SecretMasker();
        chain.secrets().forEach(masker::add); // secret variables wherever they were used, and SSH passwords
        credentials.ifPresent(cr -> {
            cr.password().ifPresent(masker::add);
            cr.applicationCredentialSecret().ifPresent(masker::add);
        });
        if (credentials.isPresent() && p.isPresent()) {
            checkCredentials(p.get(), credentials.get(), chain.target().name(), masker);
        }
        StagePlanner planner = new StagePlanner(settings, d.orElse(null), g.orElse(null), p.orElse(null));
        try {
            return new ChainBuild(settings, planner, ProvisionerKind.onClassPath(), listener, cancellation, masker)
                    .run(chain.stages());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A wrong password would otherwise show only after the whole build, when the image is uploaded. */
    private void checkCredentials(ImagePublisher publisher, OpenStackCredentials c, String target,
                                  SecretMasker masker) {
        try {
            publisher.checkCredentials(c);
        } catch (Exception e) {
            throw new ImageBuildException(target, "check-credentials", masker.mask(
                    "OpenStack credentials for " + c.authUrl() + " were refused before the build: " + e.getMessage()),
                    masker.mask(e));
        }
        listener.onEvent(new BuildEvent.Message(target, BuildEvent.Level.INFO,
                "OpenStack credentials accepted by " + c.authUrl() + "; the image will be published there"));
    }

    private TemplateChain load() {
        TemplateLoader loader = TemplateLoader.create().variables(variables).environment(environment)
                .variableFiles(variableFiles);
        return templateSource.apply(loader);
    }

    private BuildSettings settings() {
        return new BuildSettings(outputDir, cacheDir, onError, force, credentials, accelerator, headless);
    }

    private Optional<MachineDriver> driver() {
        return driver.or(() -> ServiceLoader.load(MachineDriver.class).findFirst());
    }

    private Optional<GuestAccess> guestAccess() {
        return guestAccess.or(() -> ServiceLoader.load(GuestAccess.class).findFirst());
    }

    private Optional<ImagePublisher> publisher() {
        return publisher.or(() -> ServiceLoader.load(ImagePublisher.class).findFirst());
    }

    static Path defaultCacheDir() {
        String env = System.getenv("IMAGEBUILDER_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "imagebuilder");
    }

    /** Mutable copy used only while deriving a new immutable builder. */
    private static final class Copy {
        final Map<String, String> variables;
        final Map<String, String> environment;
        final List<Path> variableFiles;
        Path outputDir;
        Path cacheDir;
        Optional<Boolean> headless;
        Optional<Accelerator> accelerator;
        BuildListener listener;
        Optional<OpenStackCredentials> credentials;
        OnError onError;
        boolean force;
        Optional<MachineDriver> driver;
        Optional<GuestAccess> guestAccess;
        Optional<ImagePublisher> publisher;

        Copy(ImageBuilder b) {
            variables = new LinkedHashMap<>(b.variables);
            environment = new HashMap<>(b.environment);
            variableFiles = new ArrayList<>(b.variableFiles);
            outputDir = b.outputDir;
            cacheDir = b.cacheDir;
            headless = b.headless;
            accelerator = b.accelerator;
            listener = b.listener;
            credentials = b.credentials;
            onError = b.onError;
            force = b.force;
            driver = b.driver;
            guestAccess = b.guestAccess;
            publisher = b.publisher;
        }
    }
}
