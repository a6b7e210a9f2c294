package io.imagebuilder.internal.build;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.ImageBuildException;
import io.imagebuilder.internal.steps.StagePlanner;
import io.imagebuilder.spi.PublishTarget;
import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens before a build's first step: checks that it can run (the modules it needs are on the class path,
 * the local files its sources name exist: every problem at once), that the publish target takes its
 * credentials, and the removal of what killed builds left behind.
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

    /**
     * Removes what killed builds left on this host (their VMs, work folders, mounts and loop devices), one line
     * each; never what belongs to a build that still runs. A failure here only warns: the build may not need
     * what could not be asked (a conversion needs no libvirt).
     */
    public static void reapLeftovers(BuildContext build, String target) {
        List<String> said = new ArrayList<>();
        try {
            if (build.services().driver().isPresent()) {
                said.addAll(build.services().driver().get().reapOrphans(false));
            }
            said.addAll(LeftoverWorkFolders.reap(build.settings().outputDir(), false));
        } catch (Exception e) {
            said.add("could not look for what killed builds left behind: " + e.getMessage());
        }
        said.forEach(line -> build.listener().onEvent(new BuildEvent.Message(target, BuildEvent.Level.WARN,
                line)));
    }

    /** A wrong password would otherwise show only after the whole build, when the image is uploaded. */
    public static void checkCredentials(PublishTarget to, String target, BuildContext build) {
        try {
            to.checkCredentials();
        } catch (Exception e) {
            throw new ImageBuildException(target, "check-credentials", build.masker().mask("credentials for "
                    + to.describe() + " were refused before the build: " + e.getMessage()), build.masker().mask(e));
        }
        build.listener().onEvent(new BuildEvent.Message(target, BuildEvent.Level.INFO,
                "credentials accepted by " + to.describe() + "; the image will be published there"));
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
