#!/bin/bash
# Test fixture, idempotent: a real Debian bookworm root made with debootstrap (minbase + systemd-sysv, like the
# test guest), cached as a tarball. ChrootGuestSession (src/test) uses a fresh copy of it as a STAND-IN for the
# build VM when the real test guest is not available. Prints the tarball's path as its last line.
set -euo pipefail
cache=${IMAGEBUILDER_CACHE:-$HOME/.cache/imagebuilder}/visa-chroot
tarball=$cache/rootfs.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi
if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2
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
