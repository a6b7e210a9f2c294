package io.imagebuilder.internal.build;

import io.imagebuilder.BuildListener;
import io.imagebuilder.OnError;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Secret;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one build shares, made once: its settings, the services it runs on, where its events go, the
 * secrets to mask in them and its cancel flag. {@code ImageBuilder.plan()}, {@code build()} and the CLI's
 * {@code publish} all start from one.
 */
public record BuildContext(BuildSettings settings, BuildServices services, BuildListener listener,
                           SecretMasker masker, Cancellation cancellation) {

    /** A context whose masker knows {@code secrets} and the publish target's. */
    public static BuildContext of(BuildSettings settings, BuildServices services, BuildListener listener,
                                  List<Secret> secrets, Cancellation cancellation) {
        SecretMasker masker = new SecretMasker();
        secrets.forEach(masker::add);
        settings.publishTo().ifPresent(target -> target.secrets().forEach(masker::add));
        return new BuildContext(settings, services, listener, masker, cancellation);
    }

    /** For publishing a file without a build around it (the CLI's {@code publish}). */
    public static BuildContext forPublishing(PublishTarget target, BuildListener listener) {
        BuildSettings settings = new BuildSettings(Path.of("."), Path.of("."), OnError.CLEANUP, false,
                Optional.of(target), Optional.empty(), Optional.empty(), Optional.empty());
        return of(settings, new BuildServices(Optional.empty(), Optional.empty(), Map.of()), listener, List.of(),
                new Cancellation());
    }

    /** What the steps of one stage see of this build, with their own shared state. */
    public StepContext stepContext(String stage, Path workDir) {
        return new StepContext(stage, workDir, listener, cancellation, masker);
    }
}
