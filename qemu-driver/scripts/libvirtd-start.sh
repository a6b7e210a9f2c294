#!/usr/bin/env bash
# Starts libvirtd (+ virtlogd) for imagebuilder on a machine without systemd, idempotently.
# Installs the packages if missing, writes the qemu.conf settings that let root-owned images in 0700
# folders work, pins libvirtd to CPU 0 (unpinned it re-probes QEMU on every other start here) and waits
# until `virsh -c qemu:///system version` answers. Returns at once when libvirtd already answers.
# Env: LIBVIRTD_START_TIMEOUT (seconds, default 90).
set -euo pipefail

STATE_DIR=/run/imagebuilder
VIRTLOGD_PID=$STATE_DIR/virtlogd.pid
LIBVIRTD_PID=$STATE_DIR/libvirtd.pid
QEMU_CONF=/etc/libvirt/qemu.conf
TIMEOUT=${LIBVIRTD_START_TIMEOUT:-90}
PACKAGES=(qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients)

log() { echo "libvirtd-start: $*" >&2; }
die() { echo "libvirtd-start: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (libvirtd runs as root here)"
mkdir -p "$STATE_DIR"

# One caller at a time: several test JVMs may call this together.
exec 9>"$STATE_DIR/libvirtd-start.lock"
flock -w "$TIMEOUT" 9 || die "another libvirtd-start.sh held the lock for ${TIMEOUT}s"

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
answers() { timeout 10 virsh -c qemu:///system version >/dev/null 2>&1; }

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    # No service may start from the maintainer scripts: we start the daemons ourselves, pinned.
    local prc=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; created=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || { [ $created = 1 ] && rm -f "$prc"; die "apt-get install ${missing[*]} failed"; }
    [ $created = 1 ] && rm -f "$prc"
    return 0
}

# Writes our settings as one marked block at the end of qemu.conf; prints "changed" if it had to.
configure_qemu() {
    local block
    block=$(cat <<'CONF'
# BEGIN imagebuilder (qemu-driver/scripts/libvirtd-start.sh)
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
# END imagebuilder
CONF
)
    local current=""
    [ -f "$QEMU_CONF" ] && current=$(sed -n '/^# BEGIN imagebuilder/,/^# END imagebuilder/p' "$QEMU_CONF")
    [ "$current" = "$block" ] && return 0
    local tmp
    tmp=$(mktemp "$QEMU_CONF.XXXXXX")
    # Drop an old block and any active setting of the same keys, then append ours.
    sed -e '/^# BEGIN imagebuilder/,/^# END imagebuilder/d' \
        -e '/^[[:space:]]*\(user\|group\|dynamic_ownership\|remember_owner\|security_driver\|cgroup_controllers\|namespaces\|stdio_handler\)[[:space:]]*=/d' \
        "$QEMU_CONF" > "$tmp" 2>/dev/null || true
    printf '%s\n' "$block" >> "$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$QEMU_CONF"
    echo changed
}

install_missing
changed=$(configure_qemu)
# The default network needs dnsmasq (absent); never autostart it.
rm -f /etc/libvirt/qemu/networks/autostart/default.xml

if [ -z "$changed" ] && answers && { alive "$VIRTLOGD_PID" || [ -S /run/libvirt/virtlogd-sock ]; }; then
    exit 0
fi
if [ -n "$changed" ] && alive "$LIBVIRTD_PID"; then
    log "qemu.conf changed: restarting libvirtd"
    kill "$(cat "$LIBVIRTD_PID")"
    for _ in $(seq 1 100); do alive "$LIBVIRTD_PID" || break; sleep 0.1; done
fi

if ! alive "$VIRTLOGD_PID" && [ ! -S /run/libvirt/virtlogd-sock ]; then
    log "starting virtlogd"
    rm -f "$VIRTLOGD_PID"
    virtlogd -d -p "$VIRTLOGD_PID" 9>&-  # the daemons must not inherit the lock
fi
if ! alive "$LIBVIRTD_PID"; then
    if answers; then
        log "WARNING: a libvirtd not started by this script answers; using it (qemu.conf changes need its restart)"
        exit 0
    fi
    log "starting libvirtd pinned to CPU 0"
    rm -f "$LIBVIRTD_PID"
    taskset -c 0 libvirtd -d -p "$LIBVIRTD_PID" 9>&-
fi

start=$SECONDS
until answers; do
    if (( SECONDS - start >= TIMEOUT )); then
        die "libvirtd did not answer 'virsh -c qemu:///system version' within ${TIMEOUT}s; see /var/log/libvirt/libvirtd.log"
    fi
    sleep 0.5
done
log "libvirtd answers after $((SECONDS - start))s"
