#!/usr/bin/env bash
# Runs every test: unit tests (Surefire) and integration tests against real libvirtd/QEMU, a real guest's
# OpenSSH and a real Keystone + Glance (Failsafe). The integration tests install and start what they need.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
