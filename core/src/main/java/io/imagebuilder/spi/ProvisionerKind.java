package io.imagebuilder.spi;

import io.imagebuilder.pipeline.Key;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.ProvisionerSpec;
import io.imagebuilder.template.TemplateException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * A provisioner type beyond shell and file (the VISA set: guacd, xrdp, visa-pam, jupyterlab, ...), found with
 * {@link java.util.ServiceLoader}: when a template is loaded, so an unknown type or a bad option fails before any
 * VM starts, and when the build runs it.
 */
public interface ProvisionerKind {

    /** Where a provisioner keeps downloads between builds (see {@link io.imagebuilder.http.DownloadCache}). */
    Key<Path> DOWNLOAD_CACHE = Key.of("download-cache", Path.class);

    /** The {@code type:} written in templates, e.g. {@code guacd}. */
    String type();

    /** Checks the options; throws a {@link TemplateException} naming the option and the template location. */
    void validate(ProvisionerSpec.Custom spec) throws TemplateException;

    /** Local files this provisioner reads (checked to exist before the build, part of the cache digest). */
    default List<Path> localFiles(ProvisionerSpec.Custom spec) {
        return List.of();
    }

    /**
     * Why this provisioner needs a booted system (running services, a reboot), which the chroot executor does
     * not give; empty when a chroot of the stage's disk will do (installing and enabling is fine there).
     */
    default Optional<String> needsBootedSystem(ProvisionerSpec.Custom spec) {
        return Optional.empty();
    }

    /** Runs it in the guest; fails with the provisioner's name, exit code and output tail. */
    void run(ProvisionerSpec.Custom spec, GuestSession guest, StepContext ctx) throws Exception;

    /**
     * The kinds on the class path by type; where two claim one type, the first found wins. A build looks them up
     * once and uses the same instances to check its templates and to run them, on its own thread: a kind's
     * {@link #run} may be called by builds running at the same time.
     */
    static Map<String, ProvisionerKind> onClassPath() {
        Map<String, ProvisionerKind> kinds = new TreeMap<>();
        for (ProvisionerKind k : ServiceLoader.load(ProvisionerKind.class)) {
            kinds.putIfAbsent(k.type(), k);
        }
        return Collections.unmodifiableMap(kinds);
    }
}
