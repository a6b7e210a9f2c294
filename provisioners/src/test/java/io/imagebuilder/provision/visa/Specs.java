package io.imagebuilder.provision.visa;

import io.imagebuilder.BuildListener;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.Map;

/** Test helpers: a provisioner spec as the template loader makes it, and a step context. */
final class Specs {

    static final Location WHERE = Location.of(Path.of("/templates/visa-base/template.yaml"), 42);

    private Specs() {
    }

    static ProvisionerSpec.Custom custom(String type, Map<String, Object> options) {
        return new ProvisionerSpec.Custom(WHERE, type, type, options, ProvisionerSpec.Common.defaults());
    }

    static StepContext context(Path workDir, BuildListener listener) {
        return new StepContext("visa-test", workDir, listener, new Cancellation(), new SecretMasker());
    }

    /** A run whose guest is never reached: for rendering scripts only (execute() is not called). */
    static GuestRun renderOnly(String type, Path workDir, Proxy proxy) throws Exception {
        return new GuestRun(custom(type, Map.of()), null, context(workDir, BuildListener.NONE), proxy);
    }
}
