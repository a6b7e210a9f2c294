package io.imagebuilder.internal.build;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.template.Publish;

/** Uploads the finished image to Glance (the publisher removes a half-made image itself on failure). */
final class PublishStep implements Step {

    private final ImagePublisher publisher;
    private final Publish publish;
    private final OpenStackCredentials credentials;

    PublishStep(ImagePublisher publisher, Publish publish, OpenStackCredentials credentials) {
        this.publisher = publisher;
        this.publish = publish;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "publish";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        ImagePublisher.PublishedImage image = publisher.publish(ctx.require(BuildKeys.OUTPUT).image(), publish,
                credentials, ctx);
        ctx.put(BuildKeys.PUBLISHED, image);
        ctx.info("published " + image.name() + " as image " + image.id());
    }
}
