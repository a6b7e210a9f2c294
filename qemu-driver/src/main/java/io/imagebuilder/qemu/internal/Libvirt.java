package io.imagebuilder.qemu.internal;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt.VirErrorCallback;
import org.libvirt.jna.virError;

/** Opens libvirt connections with clear errors; libvirt's own stderr printing of every error is silenced. */
public final class Libvirt {

    /** What to do when no libvirt answers. */
    public static final String HOW_TO_START = "Install and start it: apt-get install qemu-system-x86 qemu-utils"
            + " libvirt-daemon-system, then systemctl start libvirtd (on a machine without systemd: build-image"
            + " --start-libvirtd)";

    /** Kept in a static field: JNA must not garbage-collect a callback libvirt still holds. */
    private static final VirErrorCallback SILENT = new Silent();
    private static volatile boolean silenced;

    private Libvirt() {
    }

    public static Connect connect(String uri) {
        silence();
        try {
            return new Connect(uri);
        } catch (LibvirtException e) {
            throw new IllegalStateException("no libvirt answers at " + uri + " (" + message(e) + "). "
                    + HOW_TO_START, e);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load libvirt's C library (libvirt.so.0): install libvirt0"
                    + " (apt-get install libvirt-clients). " + HOW_TO_START, e);
        }
    }

    /**
     * Deletes the per-domain QEMU log libvirt keeps after a domain ends (local system daemon only), so builds leave
     * nothing behind; QEMU's errors already reached us through the start error.
     */
    public static void deleteDomainLog(String uri, String domain) {
        if (!uri.startsWith("qemu:///system")) {
            return;
        }
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("/var/log/libvirt/qemu", domain + ".log"));
        } catch (java.io.IOException | SecurityException e) {
            // only a leftover log file
        }
    }

    /** The domain does not exist (any more). */
    public static boolean isNoDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    /** The domain stopped between our look and our destroy (its QEMU was killed): nothing is left to stop. */
    public static boolean isNotRunning(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_OPERATION_INVALID
                && message(e).contains("not running");
    }

    /** The connection to libvirtd broke: it was killed or restarted (a message of libvirt's RPC layer). */
    public static boolean isConnectionLost(LibvirtException e) {
        return isConnectionLost(message(e));
    }

    public static boolean isConnectionLost(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("end of file while reading") || m.contains("cannot recv data")
                || m.contains("cannot write data") || m.contains("broken pipe") || m.contains("connection reset")
                || m.contains("client socket is closed") || m.contains("no connection driver")
                || m.contains("failed to connect socket") || m.contains("internal error: client");
    }

    /** The message of a libvirt error without the Java wrapper noise. */
    public static String message(LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage() : e.toString();
    }

    /** A named class, not a lambda: JNA looks the callback method up by reflection. */
    private static final class Silent implements VirErrorCallback {
        @Override
        public void errorCallback(Pointer userData, virError error) {
            // errors reach us as LibvirtException; printing them too would only confuse
        }
    }

    private static synchronized void silence() {
        if (silenced) {
            return;
        }
        try {
            Connect.setErrorCallback(SILENT);
            silenced = true;
        } catch (LibvirtException e) {
            // only costs noise on stderr
        }
    }
}
