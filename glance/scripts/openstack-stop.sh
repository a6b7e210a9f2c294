#!/bin/bash
# Stops what openstack-start.sh started: openstack-stop.sh [all|glance|keystone] (default all).
# Each service runs in its own process group (setsid), so the whole group is stopped. State is kept;
# openstack-start.sh starts the stopped services again.
set -euo pipefail

STATE=${IMAGEBUILDER_OPENSTACK_STATE:-$HOME/.cache/imagebuilder/openstack}
what=${1:-all}

stop() { # stop NAME
    local pidfile="$STATE/run/$1.pid" pid i
    pid=$(cat "$pidfile" 2>/dev/null) || return 0
    # Only a process started for this state folder (a pid file may outlive a reboot and its pid be reused).
    if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$STATE"; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

case $what in
    glance) stop glance ;;
    keystone) stop keystone ;;
    all) stop glance; stop keystone ;;
    *) echo "usage: $0 [all|glance|keystone]" >&2; exit 2 ;;
esac
