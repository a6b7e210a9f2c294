package io.imagebuilder.spi;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Publish;

import java.nio.file.Path;

/**
 * Publishes a finished image. Implemented by the glance module, found with {@link java.util.ServiceLoader}.
 * On any failure, including cancellation, nothing half-made is left in the image service.
 */
public interface ImagePublisher {

    PublishedImage publish(Path image, Publish publish, OpenStackCredentials credentials, StepContext ctx)
            throws Exception;

    record PublishedImage(String id, String name, String checksumMd5, String sha512) {}
}
