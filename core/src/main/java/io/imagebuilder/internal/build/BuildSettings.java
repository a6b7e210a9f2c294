package io.imagebuilder.internal.build;

import io.imagebuilder.OnError;
import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.template.Accelerator;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The options of one build, as the public builder collected them.
 *
 * @param cacheDir where downloaded ISOs and disk images are kept between builds
 */
public record BuildSettings(Path outputDir, Path cacheDir, OnError onError, boolean force,
                            Optional<OpenStackCredentials> credentials, Optional<Accelerator> accelerator,
                            Optional<Boolean> headless) {
}
