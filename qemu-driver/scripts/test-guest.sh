#!/usr/bin/env bash
# Builds (once, then cached) a small Debian bookworm guest that boots to SSH by direct kernel boot, for tests.
# Output folder (a contract other modules rely on):
#   ${IMAGEBUILDER_CACHE:-$HOME/.cache/imagebuilder}/test-guest/
#     rootfs.qcow2  ext4 without partition table (boot: root=/dev/vda rw console=ttyS0 net.ifnames=0)
#     vmlinuz initrd.img   the guest's kernel and initrd
#     id_ed25519 id_ed25519.pub   root's SSH key (root's password is "imagebuilder-test", password login on)
#     ready         written last: the version (hash) of this script that made the guest
# Prints the folder on its last line. Env: IMAGEBUILDER_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

CACHE=${IMAGEBUILDER_CACHE:-$HOME/.cache/imagebuilder}
OUT=$CACHE/test-guest
MIRROR=${IMAGEBUILDER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PASSWORD=imagebuilder-test
INCLUDE=linux-image-amd64,openssh-server,systemd-sysv,udev,ifupdown,isc-dhcp-client,iproute2,netbase,procps,kmod,dbus
# What the VISA provisioners' guest ITs build with, installed here on the host side (fast) rather than by
# apt in the TCG guest (minutes); xrdp is still installed in the guest by its provisioner, from the mirror.
TOOLS="make gcc libc6-dev autoconf automake cmake libpam0g-dev binutils python3-venv supervisor curl ca-certificates"
# Kernel modules kept (with their dependencies); everything else is pruned to keep the image small.
KEEP_MODULES="virtio_pci virtio_blk virtio_net virtio_console virtio_rng virtio_balloon ext4 crc32c_generic button evdev"

log() { echo "test-guest: $*" >&2; }
die() { echo "test-guest: ERROR: $*" >&2; exit 1; }

# The cache is this script's output: a guest made by another version of it is rebuilt.
VERSION=$(sha256sum "$0" | cut -c1-16)
if [ "$(cat "$OUT/ready" 2>/dev/null)" = "$VERSION" ]; then echo "$OUT"; exit 0; fi
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"
mkdir -p "$CACHE"
exec 9>"$CACHE/test-guest.lock"
flock 9  # a concurrent build finishes first; then we find it ready
if [ "$(cat "$OUT/ready" 2>/dev/null)" = "$VERSION" ]; then echo "$OUT"; exit 0; fi

missing=()
for p in debootstrap qemu-utils e2fsprogs openssh-client; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Build in a temp folder and rename at the end: a killed run never leaves a half guest that looks ready.
WORK=$(mktemp -d "$CACHE/test-guest.tmp.XXXXXX")
trap 'umount "$WORK/rootfs/proc" 2>/dev/null; rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs
start=$SECONDS

log "debootstrap bookworm from $MIRROR (about 80 s)"
debootstrap --variant=minbase --include="$INCLUDE" bookworm "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log above)"; }

log "installing the build tools ($TOOLS)"
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"   # start no services in the chroot
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
# shellcheck disable=SC2086 # word splitting wanted
chroot "$ROOT" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $TOOLS" > "$WORK/apt.log" 2>&1 || { umount "$ROOT/proc"; tail -20 "$WORK/apt.log" >&2;
    die "installing the build tools failed (log above)"; }
umount "$ROOT/proc"
rm -f "$ROOT/usr/sbin/policy-rc.d" "$WORK/apt.log"

log "configuring"
echo "root:$PASSWORD" | chroot "$ROOT" chpasswd
echo imagebuilder-test > "$ROOT/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 imagebuilder-test\n' > "$ROOT/etc/hosts"
echo '/dev/vda / ext4 errors=remount-ro 0 1' > "$ROOT/etc/fstab"
cat > "$ROOT/etc/network/interfaces" <<'NET'
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
NET
# ed25519 host key only: RSA host-key generation is slow under TCG.
rm -f "$ROOT"/etc/ssh/ssh_host_{rsa,ecdsa}_key{,.pub}
[ -f "$ROOT/etc/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$ROOT/etc/ssh/ssh_host_ed25519_key"
cat > "$ROOT/etc/ssh/sshd_config.d/imagebuilder-test.conf" <<'SSHD'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin yes
PasswordAuthentication yes
UseDNS no
SSHD
ssh-keygen -q -t ed25519 -N '' -C imagebuilder-test -f "$WORK/id_ed25519"
# Boot-time housekeeping a throwaway test guest never needs, and which slows its boot under TCG.
for unit in e2scrub_reap.service e2scrub_all.timer apt-daily.timer apt-daily-upgrade.timer fstrim.timer; do
    ln -sf /dev/null "$ROOT/etc/systemd/system/$unit"
done
install -d -m 700 "$ROOT/root/.ssh"
install -m 600 "$WORK/id_ed25519.pub" "$ROOT/root/.ssh/authorized_keys"

# Small initrd: only the modules a virtio guest needs to mount its ext4 root.
kver=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
echo 'MODULES=list' > "$ROOT/etc/initramfs-tools/conf.d/imagebuilder-test"
printf '%s\n' virtio_pci virtio_blk virtio_net ext4 crc32c_generic > "$ROOT/etc/initramfs-tools/modules"

# Prune kernel modules to KEEP_MODULES and their dependencies.
keep=$WORK/keep-modules
: > "$keep"
for m in $KEEP_MODULES; do
    chroot "$ROOT" modprobe -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}' >> "$keep" \
        || die "kernel module $m not found in the guest's kernel $kver"
done
find "$ROOT/lib/modules/$kver/kernel" -type f | sed "s|^$ROOT||" | sort > "$WORK/all-modules"
sort -u "$keep" > "$WORK/keep-sorted"
[ -s "$WORK/keep-sorted" ] || die "no kernel module to keep: refusing to prune them all"
comm -23 "$WORK/all-modules" "$WORK/keep-sorted" | sed "s|^|$ROOT|" | xargs -r rm -f
find "$ROOT/lib/modules/$kver/kernel" -type d -empty -delete
chroot "$ROOT" depmod "$kver"
chroot "$ROOT" update-initramfs -u -k "$kver" > "$WORK/initramfs.log" 2>&1 \
    || { cat "$WORK/initramfs.log" >&2; die "update-initramfs failed"; }

cp "$ROOT/boot/vmlinuz-$kver" "$WORK/vmlinuz"
cp "$ROOT/boot/initrd.img-$kver" "$WORK/initrd.img"
chmod 644 "$WORK/vmlinuz" "$WORK/initrd.img"

# Prune what a test guest never reads.
rm -rf "$ROOT"/usr/share/{doc,man,info,locale}/* "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* \
       "$ROOT"/var/cache/debconf/*-old "$ROOT"/usr/lib/firmware "$ROOT"/lib/firmware
rm -f "$ROOT"/boot/initrd.img-*.bak

log "making the ext4 disk"
truncate -s 4G "$WORK/rootfs.raw"
mkfs.ext4 -q -L rootfs -d "$ROOT" "$WORK/rootfs.raw"
qemu-img convert -O qcow2 "$WORK/rootfs.raw" "$WORK/rootfs.qcow2"
rm -rf "$WORK/rootfs.raw" "$ROOT" "$WORK"/{keep-modules,keep-sorted,all-modules,debootstrap.log,initramfs.log}

echo "$VERSION" > "$WORK/ready"
rm -rf "$OUT"
mv "$WORK" "$OUT"
trap - EXIT
chmod 755 "$OUT"
log "built in $((SECONDS - start)) s: $(du -sh "$OUT/rootfs.qcow2" | cut -f1) disk"
echo "$OUT"
