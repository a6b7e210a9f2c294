#!/bin/sh
# The stage's heavy part: a remote desktop as the VISA images have it.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends xrdp xorgxrdp xfce4 xfce4-terminal dbus-x11
