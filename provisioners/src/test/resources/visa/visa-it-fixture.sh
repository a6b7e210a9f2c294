#!/bin/bash
# Fixture of the VISA provisioner ITs, idempotent. Makes sure the host has what the ITs use (tar, gzip, python3
# with pip to build the stand-in wheel, debootstrap), then builds a real Debian bookworm root with debootstrap
# (minbase + systemd-sysv, like the test guest), cached as a tarball. ChrootGuestSession (src/test) runs the
# provisioners in a fresh copy of it: a STAND-IN for the build VM when the real test guest is not available.
# Prints the tarball's path as its last line.
set -euo pipefail
cache=${IMAGEBUILDER_CACHE:-$HOME/.cache/imagebuilder}/visa-chroot
tarball=$cache/rootfs.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
need=""
command -v debootstrap >/dev/null || need="$need debootstrap"
command -v unshare >/dev/null || need="$need util-linux"
python3 -m pip --version >/dev/null 2>&1 || need="$need python3-pip"
if [ -n "$need" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y $need >&2
fi
if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=systemd-sysv,ca-certificates bookworm "$work/root" "$mirror" >&2
# Services installed by packages must not start on the host: the chroot shares its network and processes.
printf '#!/bin/sh\nexit 101\n' > "$work/root/usr/sbin/policy-rc.d"
chmod 755 "$work/root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$work/root/etc/resolv.conf"
chroot "$work/root" apt-get clean
tar -C "$work/root" -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
echo "$tarball"
