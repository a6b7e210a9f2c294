#!/usr/bin/env bash
# Stops the libvirtd and virtlogd that libvirtd-start.sh started (by their pid files); idempotent.
set -euo pipefail
STATE_DIR=/run/imagebuilder

stop() {
    local name=$1 pidfile=$STATE_DIR/$1.pid
    rm -f "$STATE_DIR/$name.mode"  # which configuration it runs with (libvirtd-start.sh)
    [ -s "$pidfile" ] || return 0
    local pid
    pid=$(cat "$pidfile")
    # after a machine restart the pid file may name another process
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
        kill "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "libvirtd-stop: $name ($pid) ignored SIGTERM for 10s; sending SIGKILL" >&2
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

stop libvirtd
stop virtlogd
