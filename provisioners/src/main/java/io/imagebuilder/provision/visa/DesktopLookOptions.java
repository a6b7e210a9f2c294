package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Options of the {@code desktop-look} provisioner.
 *
 * @param background     a local image uploaded to {@code backgroundDir} and made the XFCE default wallpaper
 * @param welcomeMessage text for /etc/motd and a note shown when the desktop starts; empty for none
 */
public record DesktopLookOptions(Optional<Path> background, String backgroundDir, String welcomeMessage)
        implements VisaOptions {

    public static final String TYPE = "desktop-look";
    public static final String DEFAULT_BACKGROUND_DIR = "/usr/share/backgrounds/visa";

    public static DesktopLookOptions of(Path background, String welcomeMessage) {
        return new DesktopLookOptions(Optional.ofNullable(background), DEFAULT_BACKGROUND_DIR, welcomeMessage);
    }

    /** The image's path in the guest. */
    public Optional<String> guestBackground() {
        return background.map(b -> backgroundDir + "/" + b.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    public static DesktopLookOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        Optional<Path> background = r.optionalPath("background");
        String dir = r.string("background_dir", DEFAULT_BACKGROUND_DIR);
        if (!dir.matches("/[A-Za-z0-9_./-]+")) {
            throw r.fail("background_dir", "must be an absolute path without spaces, got '" + dir + "'");
        }
        String welcome = r.string("welcome_message", "");
        if (background.isEmpty() && welcome.isBlank()) {
            throw new io.imagebuilder.template.TemplateException(r.location(),
                    TYPE + ": set option 'background' or 'welcome_message' (or both)");
        }
        DesktopLookOptions o = new DesktopLookOptions(background, dir, welcome);
        r.finish();
        return o;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Proxy proxy() {
        return Proxy.NONE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        background.ifPresent(b -> m.put("background", b.toString()));
        m.put("background_dir", backgroundDir);
        if (!welcomeMessage.isEmpty()) {
            m.put("welcome_message", welcomeMessage);
        }
        return m;
    }
}
