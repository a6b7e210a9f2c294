package io.imagebuilder.glance.internal;

import io.imagebuilder.template.Secret;

import java.net.URI;

/**
 * A Keystone token, the Glance endpoint its catalog names (base URL, with or without /v2), the id of the
 * project it is scoped to (the owner of the images we make), and how to reach Glance (TLS trust, proxies).
 */
public record GlanceAccess(URI imageEndpoint, Secret token, String projectId, Transport transport) {

    public GlanceAccess(URI imageEndpoint, Secret token, String projectId) {
        this(imageEndpoint, token, projectId, Transport.jdkDefault());
    }


    /** {@code imageEndpoint} + "/v2/" + path, whether or not the catalog's URL already ends in /v2. */
    public URI v2(String path) {
        String base = imageEndpoint.toString().replaceAll("/+$", "").replaceAll("/v2$", "");
        return URI.create(base + "/v2/" + path);
    }
}
