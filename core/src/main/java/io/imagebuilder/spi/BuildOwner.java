package io.imagebuilder.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process a build's VMs, work folders and devices belong to: its pid, when it started and the boot it runs
 * in (a pid is reused; a start time within another boot means nothing). What a killed build left behind is
 * recognised by an owner that no longer runs, and removed by the next build or {@code build-image clean}.
 *
 * @param startMillis the process's start time (epoch milliseconds), 0 when the system does not say
 * @param bootId      {@code /proc/sys/kernel/random/boot_id}, empty where there is none
 */
public record BuildOwner(long pid, long startMillis, String bootId) {

    /** The XML namespace of the owner record in a libvirt domain's {@code <metadata>}. */
    public static final String NAMESPACE = "https://imagebuilder.io/xmlns/build/1";
    /** As written, or as libvirt writes it back (double quotes). */
    private static final Pattern RECORD = Pattern.compile("pid=['\"](\\d+)['\"] start=['\"](\\d+)['\"]"
            + " boot=['\"]([0-9a-f-]*)['\"](?: workdir=['\"]([^'\"]*)['\"])?");

    /** This process. */
    public static BuildOwner current() {
        return of(ProcessHandle.current()).orElseThrow();
    }

    private static Optional<BuildOwner> of(ProcessHandle p) {
        return Optional.of(new BuildOwner(p.pid(), p.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L),
                currentBootId()));
    }

    /** Whether the owner still runs: same boot, and a process of that pid that started at the same time. */
    public boolean isAlive() {
        if (!bootId.equals(currentBootId())) {
            return false;
        }
        return ProcessHandle.of(pid).flatMap(BuildOwner::of).map(p -> p.startMillis == startMillis)
                .orElse(false);
    }

    /** The record as one line of text, for an owner file in a work folder. */
    public String record() {
        return "pid='" + pid + "' start='" + startMillis + "' boot='" + bootId + "'";
    }

    /**
     * The libvirt {@code <metadata>} child that marks a domain as this owner's, with the build's work folder and
     * when the domain was made (for people reading {@code virsh dumpxml}).
     */
    public String domainMetadata(Path workDir) {
        return "<ib:build xmlns:ib='" + NAMESPACE + "' " + record() + " workdir='"
                + workDir.toAbsolutePath().toString().replace("&", "&amp;").replace("'", "&apos;") + "' created='"
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "'/>";
    }

    /** An owner record and the work folder it names, read from a domain's XML or an owner file. */
    public record Claim(BuildOwner owner, Optional<Path> workDir) {}

    /** The owner record in {@code text} (our element of a domain's metadata, an owner file), if any. */
    public static Optional<Claim> parse(String text) {
        Matcher m = RECORD.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        Optional<Path> dir = Optional.ofNullable(m.group(4))
                .map(d -> Path.of(d.replace("&apos;", "'").replace("&quot;", "\"").replace("&amp;", "&")));
        return Optional.of(new Claim(new BuildOwner(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                m.group(3)), dir));
    }

    private static String currentBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
