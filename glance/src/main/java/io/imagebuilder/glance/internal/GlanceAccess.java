package io.imagebuilder.glance.internal;

import io.imagebuilder.template.Secret;

import java.net.URI;

/**
 * A Keystone token, the Glance endpoint its catalog names (base URL, with or without /v2) and the id of the
 * project it is scoped to (the owner of the images we make).
 */
public record GlanceAccess(URI imageEndpoint, Secret token, String projectId) {

    /** {@code imageEndpoint} + "/v2/" + path, whether or not the catalog's URL already ends in /v2. */
    public URI v2(String path) {
        String base = imageEndpoint.toString().replaceAll("/+$", "").replaceAll("/v2$", "");
        return URI.create(base + "/v2/" + path);
    }
}
