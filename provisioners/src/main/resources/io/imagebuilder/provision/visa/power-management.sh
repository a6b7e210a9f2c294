step "Masking sleep and hibernation"
for target in {{targets}}; do
    if command -v systemctl >/dev/null 2>&1 && systemctl mask "$target"; then
        continue
    fi
    # systemctl missing or refusing (no systemd running): a link to /dev/null is what mask writes.
    mkdir -p /etc/systemd/system
    ln -sf /dev/null "/etc/systemd/system/$target"
    echo "masked $target (symlink to /dev/null)"
done

step "Forbidding power-off, reboot and sleep to users (polkit)"
# VISA powers its instances; a user who shuts one down loses it. Rules for polkit 0.106+ (JavaScript) and the
# older local authority (.pkla, what the ILL's images have); each is ignored where the other applies.
install -d -m 755 /etc/polkit-1/rules.d /etc/polkit-1/localauthority/50-local.d
cat > /etc/polkit-1/rules.d/50-visa-power.rules <<'RULES'
// Written by imagebuilder (power-management provisioner).
polkit.addRule(function(action, subject) {
    if (/^org\.freedesktop\.login1\.(power-off|reboot|halt|suspend|hibernate|hybrid-sleep)/.test(action.id)
            || /^org\.freedesktop\.upower\.(suspend|hibernate)$/.test(action.id)) {
        return subject.user == "root" ? polkit.Result.YES : polkit.Result.NO;
    }
});
RULES
cat > /etc/polkit-1/localauthority/50-local.d/visa.pkla <<'PKLA'
# Written by imagebuilder (power-management provisioner).
[Disable power actions for VISA users]
Identity=unix-user:*
Action=org.freedesktop.login1.power-off;org.freedesktop.login1.power-off-multiple-sessions;org.freedesktop.login1.reboot;org.freedesktop.login1.reboot-multiple-sessions;org.freedesktop.login1.suspend;org.freedesktop.login1.suspend-multiple-sessions;org.freedesktop.login1.hibernate;org.freedesktop.login1.hibernate-multiple-sessions;org.freedesktop.upower.suspend;org.freedesktop.upower.hibernate
ResultAny=no
ResultInactive=no
ResultActive=no
PKLA
