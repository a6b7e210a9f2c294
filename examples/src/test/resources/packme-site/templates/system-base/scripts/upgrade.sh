#!/bin/sh
# Brings the freshly installed system up to date, then reboots into the new kernel.
set -e

export DEBIAN_FRONTEND=noninteractive

if [ -n "$http_proxy" ]; then
    echo "Acquire::http::Proxy \"$http_proxy\";" > /etc/apt/apt.conf.d/95proxy
    echo "Acquire::https::Proxy \"${https_proxy:-$http_proxy}\";" >> /etc/apt/apt.conf.d/95proxy
fi

codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
if [ -f "/etc/apt/sources.list_$codename" ]; then
    mv "/etc/apt/sources.list_$codename" /etc/apt/sources.list
fi

apt-get update
apt-get -y -o Dpkg::Options::="--force-confold" dist-upgrade
apt-get -y install cloud-init qemu-guest-agent supervisor curl wget ca-certificates
apt-get -y autoremove --purge

# the rest of the build runs on the upgraded kernel
reboot
