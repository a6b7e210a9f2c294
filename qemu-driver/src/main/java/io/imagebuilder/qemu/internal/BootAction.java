package io.imagebuilder.qemu.internal;

import java.time.Duration;
import java.util.List;

/** One step of a parsed boot command. */
public sealed interface BootAction {

    /**
     * Keys pressed together in one libvirt send-key call (a single key, or a chord such as shift+a), released
     * in reverse order. {@code label} is what the template said, for logs and errors.
     */
    record Press(List<Integer> codes, String label) implements BootAction {
        public Press {
            codes = List.copyOf(codes);
        }
    }

    /** Pause typing ({@code <wait>}, {@code <wait5>}, {@code <wait1m20s>}). */
    record Wait(Duration duration) implements BootAction {
    }
}
