package io.imagebuilder.qemu.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code qemu-img info --output=json} says about an image: the top-level object describes the image itself
 * (QEMU 8 and later put a {@code children} array of the file nodes, with their own {@code format} and
 * {@code virtual-size}, before it).
 *
 * @param backingFormat the format recorded with the backing file ({@code -F}), when there is one
 */
public record QemuImgInfo(String format, long virtualSize, Optional<String> backingFile,
                          Optional<String> backingFormat) {

    static final ObjectMapper JSON = new ObjectMapper();

    public QemuImgInfo(String format, long virtualSize, Optional<String> backingFile) {
        this(format, virtualSize, backingFile, Optional.empty());
    }

    static QemuImgInfo parse(Path image, String json) throws IOException {
        JsonNode top = tree("info", image, json);
        JsonNode format = top.path("format");
        JsonNode size = top.path("virtual-size");
        if (!top.isObject() || !format.isTextual() || !size.canConvertToLong()) {
            throw unexpected("info", image, json);
        }
        return new QemuImgInfo(format.asText(), size.asLong(), text(top, "backing-filename"),
                text(top, "backing-filename-format"));
    }

    static JsonNode tree(String command, Path image, String json) throws IOException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw unexpected(command, image, json);
        }
    }

    static IOException unexpected(String command, Path image, String json) {
        String shown = json.length() > 400 ? json.substring(0, 400) + "..." : json;
        return new IOException("qemu-img " + command + " " + image + ": unexpected output: " + shown.strip());
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
