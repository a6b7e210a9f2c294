package io.imagebuilder.glance;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.Publish;
import io.imagebuilder.template.Secret;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An OpenStack cloud's Glance as the place a build publishes to:
 * {@code ImageBuilder.from(dir).publishTo(GlanceTarget.of(OpenStackCredentials.fromEnvironment(System.getenv())))}.
 */
public final class GlanceTarget implements PublishTarget {

    private final OpenStackCredentials credentials;
    private final GlancePublisher publisher;

    private GlanceTarget(OpenStackCredentials credentials, GlancePublisher publisher) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    public static GlanceTarget of(OpenStackCredentials credentials) {
        return new GlanceTarget(credentials, new GlancePublisher());
    }

    /** The same cloud, published to by {@code publisher} (e.g. one with other time-outs). */
    public GlanceTarget with(GlancePublisher publisher) {
        return new GlanceTarget(credentials, publisher);
    }

    public OpenStackCredentials credentials() {
        return credentials;
    }

    /** The auth URL and project: what the record of a published image names, and what messages say. */
    @Override
    public String describe() {
        return "OpenStack " + credentials.authUrl() + credentials.projectName().map(p -> " (project " + p + ")")
                .orElse("");
    }

    /** As the records of images published before there was a GlanceTarget name it. */
    @Override
    public String identity() {
        return credentials.authUrl() + " " + credentials.projectName().orElse("");
    }

    @Override
    public List<String> secrets() {
        return Stream.concat(credentials.password().stream(), credentials.applicationCredentialSecret().stream())
                .map(Secret::reveal).toList();
    }

    @Override
    public void checkCredentials() {
        publisher.checkCredentials(credentials);
    }

    @Override
    public PublishedImage publish(Path image, Publish publish, StepContext ctx) {
        return publisher.publish(image, publish, credentials, ctx);
    }

    @Override
    public Optional<PublishedImage> existing(String id, Publish publish, StepContext ctx) {
        return publisher.existing(id, publish, credentials, ctx);
    }

    @Override
    public String toString() {
        return describe();
    }
}
