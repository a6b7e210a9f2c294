package io.imagebuilder.internal.build;

import io.imagebuilder.internal.steps.StagePlanner;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before anything starts, that the build can run: the modules it needs are on the class path and the
 * local files its sources name exist. Every problem is reported at once.
 */
public final class Preflight {

    private Preflight() {
    }

    public static void check(List<ImageTemplate> stages, BuildServices services) {
        boolean haveDriver = services.driver().isPresent();
        boolean haveGuestAccess = services.guestAccess().isPresent();
        List<TemplateException.Problem> problems = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            ImageTemplate t = stages.get(i);
            Location at = t.location();
            if (!haveDriver) {
                problems.add(new TemplateException.Problem(at, "no VM driver: add imagebuilder-qemu-driver to the"
                        + " class path"));
            }
            if (StagePlanner.needsSsh(t, i == stages.size() - 1) && !haveGuestAccess) {
                problems.add(new TemplateException.Problem(at, "'" + t.name() + "' logs in over SSH: add"
                        + " imagebuilder-provisioners to the class path"));
            }
            // a template built in Java skipped the loader's checks of the files it names
            for (Path file : StageDigest.localFiles(t, List.of())) {
                if (!Files.exists(file)) {
                    problems.add(new TemplateException.Problem(at, "'" + t.name() + "' names " + file
                            + ", which does not exist"));
                }
            }
            Source src = t.source();
            if (src instanceof Source.Iso iso) {
                requireLocal(iso.url(), at, "ISO", problems);
            }
            if (src instanceof Source.DiskImage d) {
                requireLocal(d.location(), at, "disk image", problems);
            }
            if (src instanceof Source.Kernel k) {
                requireLocal(k.kernel().toString(), at, "kernel", problems);
                requireLocal(k.initrd().toString(), at, "initrd", problems);
                k.disk().ifPresent(d -> requireLocal(d.location(), at, "disk image", problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new TemplateException(problems.stream().distinct().toList());
        }
    }

    private static void requireLocal(String location, Location at, String what,
                                     List<TemplateException.Problem> problems) {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return;
        }
        Path p = Path.of(location.startsWith("file://") ? location.substring("file://".length()) : location);
        if (!Files.isRegularFile(p)) {
            problems.add(new TemplateException.Problem(at, what + " " + p + " does not exist"));
        }
    }
}
