package io.imagebuilder.template;

/** How QEMU runs the guest. {@code AUTO} picks KVM only where a KVM guest really runs, TCG otherwise. */
public enum Accelerator {
    AUTO, KVM, TCG;

    public static Accelerator parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "auto" -> AUTO;
            case "kvm" -> KVM;
            // Packer's "none" passes no accel option, so QEMU uses its own default: TCG
            case "tcg", "none" -> TCG;
            default -> throw new IllegalArgumentException("unknown accelerator '" + s + "' (auto, kvm or tcg)");
        };
    }
}
