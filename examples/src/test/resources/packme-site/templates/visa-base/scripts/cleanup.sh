#!/bin/bash
# Leaves the image small and without traces of the build.
set -e

apt-get -y autoremove --purge
apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
rm -f /etc/apt/apt.conf.d/95proxy
truncate -s 0 /etc/machine-id
cloud-init clean --logs || true
find /var/log -type f -exec truncate -s 0 {} \;
rm -f /root/.bash_history
