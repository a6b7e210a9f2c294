#!/bin/sh
# XFCE desktop and the tools the VISA services need (supervisor runs guacd-adjacent helpers and JupyterLab).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends xfce4 xfce4-terminal dbus-x11 xorg supervisor firefox-esr \
    fonts-dejavu
apt-get clean
