package io.imagebuilder.glance.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** The fields of a Glance v2 image we act on. */
public record ImageRecord(String id, String name, String status, boolean isProtected, String checksum,
                          String osHashAlgo, String osHashValue, long size) {

    static ImageRecord of(JsonNode n) {
        return new ImageRecord(n.path("id").asText(), n.path("name").asText(null), n.path("status").asText(),
                n.path("protected").asBoolean(false), n.path("checksum").asText(null),
                n.path("os_hash_algo").asText(null), n.path("os_hash_value").asText(null),
                n.path("size").asLong(-1));
    }
}
