#!/usr/bin/env bash
# Starts libvirtd (+ virtlogd) on a machine without systemd (this kind of CI machine), idempotently; returns at
# once when a libvirtd already answers in the wanted mode. Installs the packages if missing. Never edits the
# host's /etc/libvirt:
#   libvirtd-start.sh               the test fixture: libvirtd sees a private qemu.conf (the host's file plus the
#                                   settings that let QEMU, as root, open images in the tests' 0700 folders),
#                                   bind-mounted over /etc/libvirt/qemu.conf in a mount namespace of its own
#   libvirtd-start.sh --host-config libvirtd as the distribution configured it (QEMU as libvirt-qemu, dynamic
#                                   ownership): what `build-image --start-libvirtd` runs
# libvirtd is pinned to CPU 0: unpinned, it re-probes QEMU on about every other start here.
# Env: LIBVIRTD_START_TIMEOUT (seconds, default 90).
set -euo pipefail

STATE_DIR=/run/imagebuilder
VIRTLOGD_PID=$STATE_DIR/virtlogd.pid
LIBVIRTD_PID=$STATE_DIR/libvirtd.pid
LIBVIRTD_MODE=$STATE_DIR/libvirtd.mode
PRIVATE_QEMU_CONF=$STATE_DIR/qemu.conf
HOST_QEMU_CONF=/etc/libvirt/qemu.conf
TIMEOUT=${LIBVIRTD_START_TIMEOUT:-90}
PACKAGES=(qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients)

mode=private
case "${1:-}" in
    --host-config) mode=host ;;
    "") ;;
    *) echo "usage: libvirtd-start.sh [--host-config]" >&2; exit 2 ;;
esac

log() { echo "libvirtd-start: $*" >&2; }
die() { echo "libvirtd-start: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (libvirtd runs as root here)"
mkdir -p "$STATE_DIR"

# One caller at a time: several test JVMs may call this together.
exec 9>"$STATE_DIR/libvirtd-start.lock"
flock -w "$TIMEOUT" 9 || die "another libvirtd-start.sh held the lock for ${TIMEOUT}s"

# A pid file left in /run by a machine that was stopped may name a pid reused since: check the name, and that
# the process is not a zombie.
alive() {
    local pid
    pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] \
        && ps -o comm=,stat= -p "$pid" 2>/dev/null | grep -qE "^$(basename "$1" .pid) +[^Z]"
}
# virtlogd serves QEMU's logs under the host's configuration (stdio_handler "logd"). Its socket files outlive
# it when a machine is stopped, so ask it (through its admin socket) rather than look for them.
virtlogd_answers() { timeout 10 virt-admin -c virtlogd:///system version >/dev/null 2>&1; }
answers() { timeout 10 virsh -c qemu:///system version >/dev/null 2>&1; }

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]} (apt's output: $STATE_DIR/apt.log)"
    # No service may start from the maintainer scripts: we start the daemons ourselves, pinned.
    local prc=/usr/sbin/policy-rc.d created=0
    if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; created=1; fi
    { DEBIAN_FRONTEND=noninteractive apt-get update -q || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade "${missing[@]}"
    } > "$STATE_DIR/apt.log" 2>&1 || { [ $created = 1 ] && rm -f "$prc"; die "apt-get install ${missing[*]} failed; see $STATE_DIR/apt.log"; }
    [ $created = 1 ] && rm -f "$prc"
    return 0
}

# The fixture's settings, after the host's own (the last setting of a key wins).
write_private_conf() {
    { cat "$HOST_QEMU_CONF"
      cat <<'CONF'
# imagebuilder test fixture (qemu-driver/scripts/libvirtd-start.sh): seen by this libvirtd only
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
    } > "$PRIVATE_QEMU_CONF.new"
    chmod 600 "$PRIVATE_QEMU_CONF.new"
    mv "$PRIVATE_QEMU_CONF.new" "$PRIVATE_QEMU_CONF"
}

stop_ours() {
    local running
    running=$(timeout 10 virsh -c qemu:///system list --name 2>/dev/null | grep -v '^$' || true)
    [ -z "$running" ] || die "libvirtd runs with the $running_mode configuration and has domains running" \
        "($(echo $running)): not restarting it for the $mode one"
    log "restarting libvirtd with the $mode configuration"
    kill "$(cat "$LIBVIRTD_PID")"
    for _ in $(seq 1 100); do alive "$LIBVIRTD_PID" || break; sleep 0.1; done
    ! alive "$LIBVIRTD_PID" || die "libvirtd ($(cat "$LIBVIRTD_PID")) did not stop within 10 s"
}

install_missing

# Earlier versions of this script wrote their settings into the host's qemu.conf; say so, never edit it.
if grep -q '^# BEGIN imagebuilder' "$HOST_QEMU_CONF" 2>/dev/null; then
    log "WARNING: $HOST_QEMU_CONF still has the block an earlier imagebuilder wrote (QEMU as root, no security" \
        "driver); remove the lines from '# BEGIN imagebuilder' to '# END imagebuilder' and restart libvirtd"
fi

running_mode=$(cat "$LIBVIRTD_MODE" 2>/dev/null || echo unknown)
if alive "$LIBVIRTD_PID" && [ "$running_mode" != "$mode" ]; then
    stop_ours
fi
if alive "$LIBVIRTD_PID" && answers && virtlogd_answers; then
    exit 0
fi

if ! virtlogd_answers; then
    log "starting virtlogd"
    if alive "$VIRTLOGD_PID"; then kill "$(cat "$VIRTLOGD_PID")"; fi
    for _ in $(seq 1 100); do alive "$VIRTLOGD_PID" || break; sleep 0.1; done
    rm -f "$VIRTLOGD_PID" /run/libvirt/virtlogd-sock /run/libvirt/virtlogd-admin-sock
    virtlogd -d -p "$VIRTLOGD_PID" 9>&-  # the daemons must not inherit the lock
    for _ in $(seq 1 100); do virtlogd_answers && break; sleep 0.1; done
    virtlogd_answers || die "virtlogd did not answer within 10 s"
fi
if ! alive "$LIBVIRTD_PID"; then
    if answers; then
        log "a libvirtd not started by this script answers; using it as it is configured"
        exit 0
    fi
    rm -f "$LIBVIRTD_PID"
    if [ "$mode" = host ]; then
        log "starting libvirtd (the host's configuration) pinned to CPU 0"
        taskset -c 0 libvirtd -d -p "$LIBVIRTD_PID" 9>&-
    else
        log "starting libvirtd (the test fixture's private qemu.conf) pinned to CPU 0"
        write_private_conf
        # slave propagation: mounts made later on the host still reach QEMU; this bind mount stays private
        unshare --mount --propagation slave sh -c \
            'mount --bind "$1" "$2" && exec taskset -c 0 libvirtd -d -p "$3"' sh \
            "$PRIVATE_QEMU_CONF" "$HOST_QEMU_CONF" "$LIBVIRTD_PID" 9>&-
    fi
    echo "$mode" > "$LIBVIRTD_MODE"
fi

start=$SECONDS
until answers; do
    if (( SECONDS - start >= TIMEOUT )); then
        die "libvirtd did not answer 'virsh -c qemu:///system version' within ${TIMEOUT}s; see /var/log/libvirt/libvirtd.log"
    fi
    sleep 0.5
done
log "libvirtd answers after $((SECONDS - start))s"
