package io.imagebuilder.internal.build;

import io.imagebuilder.OnError;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Accelerator;
import io.imagebuilder.template.Executor;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The options of one build, as the public builder collected them.
 *
 * @param cacheDir    where downloaded ISOs and disk images are kept between builds
 * @param publishTo   where the final image goes; empty: it is not published
 * @param accelerator overrides every template's {@code machine.accelerator}
 * @param headless    overrides every template's {@code machine.headless}
 * @param executor    overrides every template's {@code machine.executor}
 * @param verify      whether the templates' {@code verify:} sections run
 */
public record BuildSettings(Path outputDir, Path cacheDir, OnError onError, boolean force,
                            Optional<PublishTarget> publishTo, Optional<Accelerator> accelerator,
                            Optional<Boolean> headless, Optional<Executor> executor, boolean verify) {

    public BuildSettings(Path outputDir, Path cacheDir, OnError onError, boolean force,
                         Optional<PublishTarget> publishTo, Optional<Accelerator> accelerator,
                         Optional<Boolean> headless, Optional<Executor> executor) {
        this(outputDir, cacheDir, onError, force, publishTo, accelerator, headless, executor, true);
    }
}
