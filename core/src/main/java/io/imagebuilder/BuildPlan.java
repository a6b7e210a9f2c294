package io.imagebuilder;

import io.imagebuilder.template.ImageTemplate;
import io.imagebuilder.template.Source;
import io.imagebuilder.template.TemplateWarning;

import java.nio.file.Path;
import java.util.List;

/**
 * What a build would do, resolved without starting anything: each stage (parents first) with its template,
 * the steps it would run and the image it would write.
 */
public record BuildPlan(List<Stage> stages, List<TemplateWarning> warnings) {

    public BuildPlan {
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
    }

    /**
     * One image of the chain.
     *
     * @param executor where its provisioners run and why ("chroot (auto: ...)"), empty when nothing runs in it
     */
    public record Stage(ImageTemplate template, List<String> steps, Path outputImage, String executor) {
        public Stage {
            steps = List.copyOf(steps);
        }
    }

    public Stage target() {
        return stages.get(stages.size() - 1);
    }

    /** A readable summary, as the CLI's {@code plan} prints it. Secrets are masked. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (TemplateWarning w : warnings) {
            sb.append("warning: ").append(w.location()).append(": ").append(w.message()).append('\n');
        }
        for (Stage s : stages) {
            ImageTemplate t = s.template();
            sb.append("image ").append(t.name());
            t.parent().ifPresent(p -> sb.append(" (extends ").append(p).append(')'));
            sb.append('\n');
            sb.append("  from     ").append(t.location()).append('\n');
            sb.append("  source   ").append(describeSource(t)).append('\n');
            sb.append("  machine  ").append(t.machine().cpus()).append(" cpu, ").append(t.machine().memoryMb())
                    .append(" MB, disk ").append(t.machine().diskSizeMb()).append(" MB, accelerator ")
                    .append(t.machine().accelerator().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
            sb.append("  ssh      ").append(t.communicator().username()).append(" (timeout ")
                    .append(t.communicator().timeout().toString().substring(2).toLowerCase(java.util.Locale.ROOT))
                    .append(")\n");
            for (var p : t.provisioners()) {
                sb.append("  provision ").append(p.displayName()).append("  [").append(p.location()).append("]\n");
            }
            sb.append("  output   ").append(s.outputImage()).append(" (")
                    .append(t.output().format().qemuName()).append(", compression ")
                    .append(t.output().compression().name().toLowerCase(java.util.Locale.ROOT)).append(")\n");
            t.publish().ifPresent(p -> sb.append("  publish  ").append(p.imageName()).append(" (")
                    .append(p.visibility().apiName()).append(", min-disk ").append(p.minDiskGb()).append(" GB)")
                    .append(s.steps().contains("publish") ? "" : ": only when asked to publish").append('\n'));
            t.verify().ifPresent(v -> sb.append("  verify   ").append(describeVerify(v))
                    .append(s.steps().contains("verify") ? "" : ": skipped (--no-verify)").append('\n'));
            if (!s.executor().isEmpty()) {
                sb.append("  runs in  ").append(s.executor()).append('\n');
            }
            sb.append("  steps    ").append(String.join(" -> ", s.steps())).append('\n');
        }
        return sb.toString();
    }

    private static String describeVerify(io.imagebuilder.template.Verify v) {
        List<String> what = new java.util.ArrayList<>();
        if (v.desktop()) {
            what.add("remote desktop through guacd (bad tokens refused)");
        }
        if (v.jupyterLab()) {
            what.add("JupyterLab" + (v.kernels().isEmpty() ? "" : " with kernels " + v.kernels()));
        }
        return String.join(", ", what) + " as " + v.owner() + ", " + v.screenWidth() + "x" + v.screenHeight()
                + " (within " + v.timeout().toMinutes() + " min)";
    }

    private static String describeSource(ImageTemplate t) {
        Source src = t.source();
        if (src instanceof Source.Iso iso) {
            return "iso " + iso.url();
        } else if (src instanceof Source.Kernel k) {
            return "kernel " + k.kernel() + " + " + k.initrd();
        } else if (src instanceof Source.DiskImage d) {
            return "disk " + d.location() + (d.overlay() ? " (overlay)" : " (copy)");
        } else if (src instanceof Source.Parent p) {
            return "built disk of " + p.name() + " (overlay)";
        }
        Source.Bootstrap b = (Source.Bootstrap) src;
        return "debootstrap " + b.suite() + " from " + b.mirror();
    }
}
