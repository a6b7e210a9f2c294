package io.imagebuilder.spi;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Publish;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a finished image is published, with the credentials to get there (jib's {@code Containerizer.to}):
 * the glance module's {@code GlanceTarget.of(credentials)}, or any other image service. On any failure,
 * including cancellation, {@link #publish} leaves nothing half-made in the image service.
 */
public interface PublishTarget {

    /** Names the service and account images go to, without secrets, for messages. */
    String describe();

    /**
     * Names the service and account as the record beside a published image keeps it (an unchanged image already
     * there is not uploaded again); stable across releases. By default {@link #describe()}.
     */
    default String identity() {
        return describe();
    }

    /** Values to mask in every message of a build that publishes here (passwords, application secrets). */
    List<String> secrets();

    /**
     * Checks now that the image service accepts the credentials, so that a wrong password or project fails
     * before any VM starts instead of after the build. Throws what {@link #publish} would.
     */
    default void checkCredentials() throws Exception {
    }

    PublishedImage publish(Path image, Publish publish, StepContext ctx) throws Exception;

    /**
     * The image published earlier as {@code id}, if the image service still has it, active, under that name:
     * a build whose image did not change then does not upload it again. Empty when unknown.
     */
    default Optional<PublishedImage> existing(String id, Publish publish, StepContext ctx) throws Exception {
        return Optional.empty();
    }

    record PublishedImage(String id, String name, String checksumMd5, String sha512) {}
}
