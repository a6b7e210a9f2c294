package io.imagebuilder.template;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the finished image is published to Glance. Defaults follow {@code openstack image create}:
 * container format bare, private, no minimums; the disk format follows the output format.
 */
public record Publish(String imageName, Visibility visibility, int minDiskGb, int minRamMb, String diskFormat,
                      String containerFormat, boolean isProtected, Map<String, String> properties,
                      List<String> tags, OnConflict onConflict) {

    public Publish {
        if (imageName == null || imageName.isBlank()) {
            throw new IllegalArgumentException("publish needs an image name");
        }
        if (minDiskGb < 0 || minRamMb < 0) {
            throw new IllegalArgumentException("min-disk and min-ram cannot be negative");
        }
        properties = OrderedMaps.copyOf(properties);
        tags = List.copyOf(tags);
    }

    public static Publish named(String imageName) {
        return new Publish(imageName, Visibility.PRIVATE, 0, 0, "qcow2", "bare", false, Map.of(), List.of(),
                OnConflict.KEEP_BOTH);
    }

    public enum Visibility {
        PUBLIC, PRIVATE, SHARED, COMMUNITY;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Visibility parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** What to do when Glance already has an image of that name. Glance itself allows duplicates. */
    public enum OnConflict {
        FAIL, REPLACE, KEEP_BOTH;

        public static OnConflict parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }
}
