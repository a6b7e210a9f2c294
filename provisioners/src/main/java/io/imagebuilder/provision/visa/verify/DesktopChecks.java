package io.imagebuilder.provision.visa.verify;

import io.imagebuilder.pipeline.StepContext;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The remote desktop as VISA opens it: a Guacamole RDP session through the guest's guacd, logged in with a
 * token signed as VISA signs it. A refused token still draws xrdp's login dialog and guacd reports nothing, so
 * success and refusal are told apart in the guest: its sesman log and journal, and whether the owner's XFCE
 * session runs.
 */
final class DesktopChecks {

    enum BadToken { EXPIRED, TAMPERED }

    /** The guest's log lines that say a login was refused (sesman's, or the PAM module's in the journal). */
    private static final String REFUSAL_LINES = "{ cat /var/log/xrdp-sesman.log; journalctl -q --no-pager"
            + " 2>/dev/null; } | grep -iE 'AUTHFAIL|pam_authenticate failed|authentication failure|VISA token refused'";
    private static final String REFUSALS = REFUSAL_LINES + " | wc -l";
    private static final Duration REFUSAL_LIMIT = Duration.ofMinutes(3);
    private static final Duration DESKTOP_LIMIT = Duration.ofMinutes(10);
    /** After XFCE's panel runs: time for the desktop to be drawn and sent. */
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final int MIN_COLOURS = 20;

    private final VerifyInstance vm;
    private final Path screenshot;
    private final StepContext ctx;
    private final String owner;

    DesktopChecks(VerifyInstance vm, Path screenshot, StepContext ctx) {
        this.vm = vm;
        this.screenshot = screenshot;
        this.ctx = ctx;
        this.owner = vm.spec.owner();
    }

    String refused(BadToken kind) throws Exception {
        Instant now = Instant.now();
        String token = kind == BadToken.EXPIRED
                ? VisaToken.sign(owner, now.minusSeconds(3600), vm.pamKeys.getPrivate())
                : tamper(VisaToken.sign(owner, now, vm.pamKeys.getPrivate()));
        int before = count(REFUSALS);
        try (GuacamoleDesktop d = GuacamoleDesktop.open(connection(token))) {
            d.follow(REFUSAL_LIMIT, () -> count(REFUSALS) > before);
        }
        if (count(REFUSALS) <= before) {
            throw new VisaImageVerifier.CheckFailed("no refusal of the " + kind.name().toLowerCase() + " token was"
                    + " logged within " + REFUSAL_LIMIT.toSeconds() + " s" + logs());
        }
        if (sessionRuns()) {
            throw new VisaImageVerifier.CheckFailed("the " + kind.name().toLowerCase() + " token opened a session"
                    + " for " + owner + logs());
        }
        return vm.sh(REFUSAL_LINES + " | tail -n 1");
    }

    String session(Duration limit) throws Exception {
        String token = VisaToken.sign(owner, Instant.now(), vm.pamKeys.getPrivate());
        ctx.masker().add(token);
        GuacamoleDesktop.Seen seen;
        long t0 = System.nanoTime();
        try (GuacamoleDesktop d = GuacamoleDesktop.open(connection(token))) {
            Duration wait = limit.compareTo(DESKTOP_LIMIT) < 0 ? limit : DESKTOP_LIMIT;
            d.follow(wait, this::desktopRuns);
            seen = d.follow(SETTLE, () -> false);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        ImageIO.write(seen.screen(), "png", screenshot.toFile());
        if (seen.error().isPresent()) {
            throw new VisaImageVerifier.CheckFailed("guacd ended the session: " + seen.error().get() + logs());
        }
        if (!desktopRuns()) {
            throw new VisaImageVerifier.CheckFailed("no XFCE session (xfce4-session and its panel) for " + owner
                    + " after " + seconds + " s; what the session showed: " + screenshot + logs());
        }
        int colours = GuacamoleDesktop.colours(seen.screen());
        if (colours < MIN_COLOURS) {
            throw new VisaImageVerifier.CheckFailed("the desktop was not drawn (" + colours + " colours in "
                    + seen.images() + " images): " + screenshot + logs());
        }
        return owner + "'s XFCE desktop in " + seconds + " s, " + seen.screen().getWidth() + "x"
                + seen.screen().getHeight() + ", " + seen.frames() + " frames, " + colours + "+ colours: " + screenshot;
    }

    private GuacamoleDesktop.Connection connection(String token) throws Exception {
        return new GuacamoleDesktop.Connection(vm.host(), vm.forwardedPort(VerifyInstance.GUACD_PORT), vm.guestIp(),
                owner, token, vm.spec.screenWidth(), vm.spec.screenHeight(), vm.spec.keyboardLayout());
    }

    /** The same token with one character of its signature changed. */
    static String tamper(String token) {
        int i = token.indexOf(';') + 10;
        char c = token.charAt(i);
        return token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
    }

    private boolean desktopRuns() {
        try {
            return vm.run("pgrep -u " + owner + " -x xfce4-session && pgrep -u " + owner + " -x xfce4-panel").code()
                    == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean sessionRuns() throws Exception {
        return vm.run("pgrep -u " + owner + " -f 'Xorg|xfce4-session|startwm'").code() == 0;
    }

    private int count(String command) {
        try {
            return Integer.parseInt(vm.sh(command).strip());
        } catch (Exception e) {
            return -1;
        }
    }

    private String logs() {
        return vm.logTail(12, "/var/log/xrdp-sesman.log", "/var/log/xrdp.log", "/home/" + owner + "/.xsession-errors")
                + Readiness.journal(vm);
    }
}
