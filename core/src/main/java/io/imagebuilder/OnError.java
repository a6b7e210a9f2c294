package io.imagebuilder;

/** What a failed build does with what it made (Packer's {@code -on-error}). */
public enum OnError {
    /** Run every cleanup: no domain, disk, port or process is left (the default). */
    CLEANUP,
    /** Run no cleanup: keep the VM, disks and logs for debugging, and report what was left and where. */
    ABORT;

    public static OnError parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
