package io.imagebuilder.internal.build;

import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.ImageVerifier;
import io.imagebuilder.spi.MachineDriver;
import io.imagebuilder.spi.ProvisionerKind;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The modules a build runs on: the VM driver, the way into the guest, and the provisioner kinds beyond shell
 * and file. Each is given by the caller or found once on the class path; a plan may do without them
 * ({@link Preflight} says what a build lacks).
 */
public record BuildServices(Optional<MachineDriver> driver, Optional<GuestAccess> guestAccess,
                            Map<String, ProvisionerKind> provisionerKinds, Optional<ImageVerifier> verifier) {

    public BuildServices(Optional<MachineDriver> driver, Optional<GuestAccess> guestAccess,
                         Map<String, ProvisionerKind> provisionerKinds) {
        this(driver, guestAccess, provisionerKinds, Optional.empty());
    }

    public BuildServices {
        provisionerKinds = Map.copyOf(provisionerKinds);
    }

    /** The given services, and the class path's for those not given. */
    public static BuildServices of(Optional<MachineDriver> driver, Optional<GuestAccess> guestAccess,
                                   Map<String, ProvisionerKind> provisionerKinds) {
        return new BuildServices(driver.or(() -> ServiceLoader.load(MachineDriver.class).findFirst()),
                guestAccess.or(() -> ServiceLoader.load(GuestAccess.class).findFirst()), provisionerKinds,
                ServiceLoader.load(ImageVerifier.class).findFirst());
    }
}
