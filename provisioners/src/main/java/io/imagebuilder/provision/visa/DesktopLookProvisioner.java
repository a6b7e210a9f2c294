package io.imagebuilder.provision.visa;

import io.imagebuilder.internal.provision.ShellQuote;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code desktop-look}: the VISA wallpaper as XFCE's system-wide default, and a welcome message in /etc/motd and
 * as a note when the desktop session starts.
 */
public final class DesktopLookProvisioner extends VisaProvisioner<DesktopLookOptions> {

    @Override
    public String type() {
        return DesktopLookOptions.TYPE;
    }

    @Override
    public DesktopLookOptions parse(ProvisionerSpec.Custom spec) {
        return DesktopLookOptions.parse(spec);
    }

    @Override
    List<Path> localFiles(DesktopLookOptions o) {
        return o.background().map(List::of).orElse(List.of());
    }

    @Override
    void provision(DesktopLookOptions o, GuestRun run) throws Exception {
        StringBuilder script = new StringBuilder();
        if (o.background().isPresent()) {
            String guestPath = o.guestBackground().orElseThrow();
            run.addUpload(o.background().get(), "background");
            run.addText("xfce4-desktop.xml", xfceDesktopXml(guestPath));
            script.append(Templates.render("desktop-background.sh", Map.of(
                    "dir", ShellQuote.quote(o.backgroundDir()), "image", ShellQuote.quote(guestPath))));
        }
        if (!o.welcomeMessage().isBlank()) {
            String text = o.welcomeMessage().endsWith("\n") ? o.welcomeMessage() : o.welcomeMessage() + "\n";
            run.addText("welcome.txt", text);
            run.addText("visa-welcome.desktop", Templates.load("visa-welcome.desktop"));
            run.addText("visa-welcome", Templates.load("visa-welcome"));
            script.append(Templates.load("desktop-welcome.sh"));
        }
        run.execute(script.toString());
    }

    /** XFCE's default wallpaper for the monitor names seen locally, in VMs and in xrdp sessions. */
    static String xfceDesktopXml(String image) {
        String escaped = image.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        StringBuilder monitors = new StringBuilder();
        for (String m : List.of("monitor0", "monitorVirtual1", "monitorVirtual-1", "monitorrdp0")) {
            monitors.append(Templates.render("xfce4-desktop-monitor.xml", Map.of("monitor", m, "image", escaped)));
        }
        return Templates.render("xfce4-desktop.xml", Map.of("monitors", monitors.toString().stripTrailing()));
    }
}
