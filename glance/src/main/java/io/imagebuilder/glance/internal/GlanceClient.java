package io.imagebuilder.glance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.template.Publish;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Glance v2's image records over plain HTTP (the data itself goes through {@link StreamingUpload}). A request
 * refused with 401 (the token expired: a long upload, a build of an hour) authenticates again once and is
 * sent again, so waiting, verifying and deleting a half-made image still work.
 */
public final class GlanceClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<GlanceAccess> reauthenticate;
    private volatile GlanceAccess access;

    /** @param reauthenticate gets a new token; null to fail on the first 401 */
    public GlanceClient(GlanceAccess access, Supplier<GlanceAccess> reauthenticate) {
        this.access = access;
        this.reauthenticate = reauthenticate;
    }

    /** The access in use: a new token after a re-authentication. */
    public GlanceAccess access() {
        return access;
    }

    /** Creates the record (never protected: a protected image could not be cleaned up; see protect()). */
    public ImageRecord create(Publish p) {
        ObjectNode body = JSON.createObjectNode();
        p.properties().forEach(body::put); // custom properties are top-level string fields in Glance v2
        body.put("name", p.imageName()).put("disk_format", p.diskFormat())
                .put("container_format", p.containerFormat()).put("visibility", p.visibility().apiName())
                .put("min_disk", p.minDiskGb()).put("min_ram", p.minRamMb());
        body.putArray("tags").addAll(p.tags().stream().map(JSON.getNodeFactory()::textNode).toList());
        return ImageRecord.of(send("create", "POST", "images",
                body.toString(), "application/json", 201));
    }

    public ImageRecord get(String step, String id) {
        return ImageRecord.of(send(step, "GET", "images/" + id, null, null, 200));
    }

    /** Our project's images of exactly this name (others' public images of that name are not ours to replace). */
    public List<ImageRecord> findByName(String name) {
        List<ImageRecord> out = new ArrayList<>();
        // visibility=all: community images are not in the default listing, but are ours to replace
        String path = "images?limit=1000&visibility=all&owner=" + URLEncoder.encode(access.projectId(),
                StandardCharsets.UTF_8) + "&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        for (JsonNode n : send("find", "GET", path, null, null, 200).path("images")) {
            out.add(ImageRecord.of(n));
        }
        return out;
    }

    public void delete(String step, String id) {
        send(step, "DELETE", "images/" + id, null, null, 204);
    }

    public void protect(String id) {
        String patch = "[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":true}]";
        send("protect", "PATCH", "images/" + id, patch,
                "application/openstack-images-v2.1-json-patch", 200);
    }

    private JsonNode send(String step, String method, String path, String body, String contentType,
                          int expected) {
        Http.Response r = sendOnce(step, method, path, body, contentType);
        if (r.status() == 401 && reauthenticate != null) {
            access = reauthenticate.get();
            r = sendOnce(step, method, path, body, contentType);
        }
        URI uri = access.v2(path);
        if (r.status() != expected) {
            throw new GlancePublishException(step, method + " " + uri + ": HTTP " + r.status() + " "
                    + summary(r.body()), r.status(), null);
        }
        try {
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new GlancePublishException(step, method + " " + uri + ": answer is not JSON: "
                    + summary(r.body()), r.status(), e);
        }
    }

    private Http.Response sendOnce(String step, String method, String path, String body, String contentType) {
        URI uri = access.v2(path);
        try {
            return Http.send(access.transport(), method, uri, access.token().reveal(), contentType, body);
        } catch (IOException e) {
            throw new GlancePublishException(step, method + " " + uri + " failed: " + e, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GlancePublishException(step, method + " " + uri + " interrupted", -1, e);
        }
    }

    /** One line of an error body: the OpenStack "message"/"title" if it has one, else its start. */
    static String summary(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String text = body;
        try {
            JsonNode n = JSON.readTree(body);
            for (JsonNode m : List.of(n.path("error").path("message"), n.path("message"), n.path("title"))) {
                if (m.isTextual()) {
                    text = m.asText();
                    break;
                }
            }
        } catch (IOException notJson) {
            // HTML or plain text (Glance's webob errors): strip tags
            text = body.replaceAll("<[^>]*>", " ");
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
