package io.imagebuilder.template;

/**
 * Where a stage's provisioners run. {@code VM}: in the booted build VM over SSH (as Packer does). {@code CHROOT}:
 * in the stage's disk opened on this host, at native speed, no VM booted. {@code AUTO}: the chroot where KVM is
 * not usable (a TCG guest runs 10-20 times slower) and the stage needs nothing only a booted system has; the VM
 * otherwise.
 */
public enum Executor {
    AUTO, VM, CHROOT;

    public static Executor parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "auto" -> AUTO;
            case "vm" -> VM;
            case "chroot" -> CHROOT;
            default -> throw new IllegalArgumentException("unknown executor '" + s + "' (vm, chroot or auto)");
        };
    }

    public String lowerCase() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
