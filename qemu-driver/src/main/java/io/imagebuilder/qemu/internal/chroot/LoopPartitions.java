package io.imagebuilder.qemu.internal.chroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The partitions of a loop device ({@code /dev/loopNpM}) and their identities as {@code /etc/fstab} names them
 * ({@code UUID=}, {@code LABEL=}, {@code PARTUUID=}), from blkid.
 */
record LoopPartitions(String device, List<String> partitions, Map<String, String> byFstabSpec) {

    static LoopPartitions of(String loop) throws IOException, InterruptedException {
        List<String> parts = List.of();
        String prefix = Path.of(loop).getFileName() + "p";
        for (int i = 0; i < 10 && parts.isEmpty(); i++) { // without udev the nodes may come a moment later
            try (Stream<Path> devs = Files.list(Path.of("/dev"))) {
                parts = devs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted()
                        .map(n -> "/dev/" + n).toList();
            }
            if (parts.isEmpty()) {
                Thread.sleep(100);
            }
        }
        Map<String, String> specs = new HashMap<>();
        for (String part : parts) {
            String export = HostCommands.tryRunOutput(List.of("blkid", "-o", "export", part)).orElse("");
            for (String line : export.split("\n")) {
                int eq = line.indexOf('=');
                String key = eq > 0 ? line.substring(0, eq) : "";
                if (key.equals("UUID") || key.equals("LABEL") || key.equals("PARTUUID")) {
                    specs.put(key + "=" + line.substring(eq + 1), part);
                }
            }
        }
        return new LoopPartitions(loop, parts, specs);
    }

    /** Where to look for the root file system: each partition, then the device itself (no partition table). */
    List<String> rootCandidates() {
        List<String> c = new ArrayList<>(partitions);
        c.add(device);
        return c;
    }

    /** The partition an fstab line's first field names, if it is one of ours. */
    Optional<String> forSpec(String spec) {
        return Optional.ofNullable(byFstabSpec.get(spec.replace("\"", "")));
    }

    /** The UUID of a partition, for the /dev/disk/by-uuid link update-grub looks for. */
    Optional<String> uuidOf(String partition) {
        return byFstabSpec.entrySet().stream().filter(e -> e.getKey().startsWith("UUID=")
                && e.getValue().equals(partition)).map(e -> e.getKey().substring(5)).findFirst();
    }
}
