package io.imagebuilder.spi;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Publish;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Publishes a finished image. Implemented by the glance module, found with {@link java.util.ServiceLoader}.
 * On any failure, including cancellation, nothing half-made is left in the image service.
 */
public interface ImagePublisher {

    PublishedImage publish(Path image, Publish publish, OpenStackCredentials credentials, StepContext ctx)
            throws Exception;

    /**
     * Checks now that the image service accepts these credentials, so that a build with a wrong password or
     * project fails before any VM starts instead of after the build. Throws what {@link #publish} would.
     */
    default void checkCredentials(OpenStackCredentials credentials) throws Exception {
    }

    /**
     * The image published earlier as {@code id}, if the image service still has it, active, under that name:
     * a build whose image did not change then does not upload it again. Empty when unknown.
     */
    default Optional<PublishedImage> existing(String id, Publish publish, OpenStackCredentials credentials,
                                              StepContext ctx) throws Exception {
        return Optional.empty();
    }

    record PublishedImage(String id, String name, String checksumMd5, String sha512) {}
}
