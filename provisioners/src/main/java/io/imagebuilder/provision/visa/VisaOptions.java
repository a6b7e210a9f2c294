package io.imagebuilder.provision.visa;

import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;

import java.util.Map;

/** The typed options of one VISA provisioner; convertible back to the YAML form a template carries. */
public interface VisaOptions {

    /** The provisioner type these options belong to, e.g. {@code guacd}. */
    String type();

    /** The proxy the guest uses for downloads ({@link Proxy#NONE} for none). */
    Proxy proxy();

    /** The options as a template would write them (only values that differ from nothing are present). */
    Map<String, Object> toMap();

    /** A provisioner step for a template built in Java. */
    default ProvisionerSpec.Custom toSpec() {
        return new ProvisionerSpec.Custom(Location.UNKNOWN, type(), type(), toMap(),
                ProvisionerSpec.Common.defaults());
    }
}
