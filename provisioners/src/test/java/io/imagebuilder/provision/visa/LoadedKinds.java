package io.imagebuilder.provision.visa;

import io.imagebuilder.spi.ProvisionerKind;

import java.util.List;
import java.util.ServiceLoader;

/** The VISA provisioners as the template loader finds them: through META-INF/services. */
final class LoadedKinds {

    private LoadedKinds() {
    }

    static List<VisaProvisioner<?>> visa() {
        return ServiceLoader.load(ProvisionerKind.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(k -> k instanceof VisaProvisioner<?>)
                .<VisaProvisioner<?>>map(k -> (VisaProvisioner<?>) k)
                .toList();
    }
}
