package io.imagebuilder.qemu.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** {@code qemu-img map --output=json}: where each range of the virtual disk is stored in the backing chain. */
public final class QemuImgMap {

    private QemuImgMap() {
    }

    /**
     * One range: {@code depth} is the index in the chain (0 = the image itself); {@code offset} is where an
     * uncompressed range's data lies in that file.
     */
    public record Range(long start, long length, int depth, boolean present, boolean zero, boolean data,
                        boolean compressed, OptionalLong offset) {

        /** Reads as zeros: nothing stored, or stored as zeros. */
        public boolean readsAsZeros() {
            return !present || zero || !data;
        }
    }

    /** Every entry must be understood: a range taken wrongly would be converted as zeros. */
    static List<Range> parse(Path image, String json) throws IOException {
        JsonNode array = QemuImgInfo.tree("map", image, json);
        if (!array.isArray()) {
            throw QemuImgInfo.unexpected("map", image, json);
        }
        List<Range> ranges = new ArrayList<>();
        for (JsonNode r : array) {
            if (!number(r, "start") || !number(r, "length") || !number(r, "depth") || !bool(r, "present")
                    || !bool(r, "zero") || !bool(r, "data")) {
                throw QemuImgInfo.unexpected("map", image, r.toString());
            }
            JsonNode offset = r.get("offset");
            ranges.add(new Range(r.get("start").asLong(), r.get("length").asLong(), r.get("depth").asInt(),
                    r.get("present").asBoolean(), r.get("zero").asBoolean(), r.get("data").asBoolean(),
                    r.path("compressed").asBoolean(false),
                    offset != null && offset.canConvertToLong() ? OptionalLong.of(offset.asLong())
                            : OptionalLong.empty()));
        }
        return ranges;
    }

    private static boolean number(JsonNode r, String field) {
        return r.path(field).canConvertToLong() && r.path(field).isIntegralNumber();
    }

    private static boolean bool(JsonNode r, String field) {
        return r.path(field).isBoolean();
    }
}
