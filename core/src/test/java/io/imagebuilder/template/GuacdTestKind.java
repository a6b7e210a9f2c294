package io.imagebuilder.template;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerKind;

import java.nio.file.Path;
import java.util.List;

/** A provisioner kind for tests, registered through a service file the test puts on the class path. */
public class GuacdTestKind implements ProvisionerKind {

    @Override
    public String type() {
        return "guacd";
    }

    @Override
    public void validate(ProvisionerSpec.Custom spec) {
        if (!String.valueOf(spec.options().get("port")).matches("\\d+")) {
            throw new TemplateException(spec.location(), "guacd: port must be a number");
        }
    }

    @Override
    public List<Path> localFiles(ProvisionerSpec.Custom spec) {
        Object config = spec.options().get("config");
        return config == null ? List.of() : List.of(spec.location().file().resolveSibling(config.toString()));
    }

    @Override
    public void run(ProvisionerSpec.Custom spec, GuestSession guest, StepContext ctx) {
        throw new UnsupportedOperationException("test kind");
    }
}
