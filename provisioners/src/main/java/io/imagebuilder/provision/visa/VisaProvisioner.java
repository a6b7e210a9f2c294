package io.imagebuilder.provision.visa;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.TemplateException;

import java.nio.file.Path;
import java.util.List;

/**
 * The shape shared by the VISA provisioners: parse the template's options into a typed record, then build the
 * payload and script of one {@link GuestRun}. Usable from Java with the record directly:
 * {@code new GuacdProvisioner().run(GuacdOptions.of(source), guest, ctx)}.
 */
public abstract class VisaProvisioner<O extends VisaOptions> implements ProvisionerKind {

    /** Reads and checks a template's options. */
    public abstract O parse(ProvisionerSpec.Custom spec) throws TemplateException;

    /** Fills the run's payload and executes its script. */
    abstract void provision(O options, GuestRun run) throws Exception;

    /** Local files the options point to. */
    List<Path> localFiles(O options) {
        return List.of();
    }

    @Override
    public final void validate(ProvisionerSpec.Custom spec) throws TemplateException {
        parse(spec);
    }

    @Override
    public final List<Path> localFiles(ProvisionerSpec.Custom spec) {
        return localFiles(parse(spec));
    }

    @Override
    public final void run(ProvisionerSpec.Custom spec, GuestSession guest, StepContext ctx) throws Exception {
        run(spec, parse(spec), guest, ctx);
    }

    /** Runs with typed options (for callers building images in Java), without reading them again. */
    public final void run(O options, GuestSession guest, StepContext ctx) throws Exception {
        if (!options.type().equals(type())) {
            throw new IllegalArgumentException(type() + " cannot run options of " + options.type());
        }
        run(options.toSpec(), options, guest, ctx);
    }

    private void run(ProvisionerSpec.Custom spec, O options, GuestSession guest, StepContext ctx) throws Exception {
        ctx.info(spec.displayName() + ": provisioning");
        provision(options, new GuestRun(spec, guest, ctx, options.proxy()));
    }

    static List<Path> localSource(SourceRef source) {
        return source instanceof SourceRef.Local l ? List.of(l.path()) : List.of();
    }
}
