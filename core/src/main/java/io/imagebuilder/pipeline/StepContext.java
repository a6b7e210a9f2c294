package io.imagebuilder.pipeline;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.BuildListener;

import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a step sees of its build: the typed state shared between steps, the work folder, the listener (through
 * {@link #info}, {@link #progress}, {@link #guestOutput}, all masked) and the cancel flag.
 */
public final class StepContext {

    private final String stage;
    private final Path workDir;
    private final BuildListener listener;
    private final Cancellation cancellation;
    private final SecretMasker masker;
    private final Map<Key<?>, Object> state;
    private volatile String currentStep = "";

    public StepContext(String stage, Path workDir, BuildListener listener, Cancellation cancellation,
                       SecretMasker masker) {
        this.stage = stage;
        this.workDir = workDir;
        this.listener = listener;
        this.cancellation = cancellation;
        this.masker = masker;
        this.state = new ConcurrentHashMap<>();
    }

    private StepContext(StepContext parent, Cancellation cancellation, BuildListener listener) {
        this.stage = parent.stage;
        this.workDir = parent.workDir;
        this.listener = listener;
        this.cancellation = cancellation;
        this.masker = parent.masker;
        this.state = parent.state;
        this.currentStep = parent.currentStep;
    }

    /**
     * The same build (shared state, listener, masker) seen through another cancel flag, e.g. one that also
     * fires when a provisioner's {@code timeout} runs out.
     */
    public StepContext withCancellation(Cancellation cancellation) {
        return new StepContext(this, cancellation, listener);
    }

    /** The same build whose events also go to {@code observer} (first), e.g. to keep a command's last lines. */
    public StepContext observedBy(BuildListener observer) {
        BuildListener build = listener;
        return new StepContext(this, cancellation, event -> {
            observer.onEvent(event);
            build.onEvent(event);
        });
    }

    /** The image being built (the stage of a chained build). */
    public String stage() {
        return stage;
    }

    /** A folder private to this build; deleted by the build's cleanup. */
    public Path workDir() {
        return workDir;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public SecretMasker masker() {
        return masker;
    }

    public String currentStep() {
        return currentStep;
    }

    void currentStep(String step) {
        this.currentStep = step;
    }

    public <T> void put(Key<T> key, T value) {
        state.put(key, key.type().cast(value));
    }

    public <T> Optional<T> get(Key<T> key) {
        return Optional.ofNullable(key.type().cast(state.get(key)));
    }

    public <T> T require(Key<T> key) {
        return get(key).orElseThrow(() -> new NoSuchElementException(
                "build state '" + key + "' is not set: a step that provides it did not run"));
    }

    public <T> Optional<T> remove(Key<T> key) {
        return Optional.ofNullable(key.type().cast(state.remove(key)));
    }

    public void emit(BuildEvent event) {
        listener.onEvent(event);
    }

    public void log(BuildEvent.Level level, String text) {
        emit(new BuildEvent.Message(stage, level, masker.mask(text)));
    }

    public void info(String text) {
        log(BuildEvent.Level.INFO, text);
    }

    public void warn(String text) {
        log(BuildEvent.Level.WARN, text);
    }

    public void progress(long done, long total) {
        emit(new BuildEvent.Progress(stage, currentStep, done, total));
    }

    public void guestOutput(String source, BuildEvent.Stream stream, String line) {
        emit(new BuildEvent.GuestOutput(stage, source, stream, masker.mask(line)));
    }
}
