#!/bin/bash
# XFCE desktop (DESKTOP_PACKAGES comes from the manifest), with Firefox as a deb rather than a snap.
set -e
export DEBIAN_FRONTEND=noninteractive

add-apt-repository -y ppa:mozillateam/ppa
cat > /etc/apt/preferences.d/mozilla-firefox <<PIN
Package: *
Pin: release o=LP-PPA-mozillateam
Pin-Priority: 1001
PIN

apt-get update
apt-get -y install --no-install-recommends ${DESKTOP_PACKAGES}
apt-get -y install firefox fonts-dejavu fonts-liberation
apt-get -y purge light-locker xfce4-screensaver xfce4-power-manager || true
