#!/usr/bin/env bash
# Makes a bootable Debian/Ubuntu disk without an installer: MBR + one ext4 partition, debootstrap, GRUB on the
# disk, SSH root login with the build's key, DHCP on eth0, serial console. Needs root and loop devices.
# Usage: bootstrap-disk.sh TARGET.qcow2 SIZE_MB SUITE MIRROR PUBKEY_FILE [PACKAGES_CSV] [HTTP_PROXY] [CACHE_DIR]
# CACHE_DIR keeps the downloaded .deb files between builds (debootstrap's and apt's).
# Lines starting "| " are apt's and dpkg's output: the build log keeps them, the console shows them at -v.
set -euo pipefail
target=$1 size_mb=$2 suite=$3 mirror=$4 pubkey=$5 extra=${6:-} proxy=${7:-} cache=${8:-}

[ "$(id -u)" = 0 ] || { echo "bootstrap source needs root (loop devices, mount, chroot)" >&2; exit 2; }
logged() { "$@" 2>&1 | tr '\r' '\n' | sed -u 's/^/| /'; }   # dpkg redraws its progress with CR
# Only the tools that are missing, and nothing else upgraded on the host.
missing=()
for tool in debootstrap:debootstrap sfdisk:fdisk qemu-img:qemu-utils partx:util-linux mkfs.ext4:e2fsprogs; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} on this host"
    logged apt-get update -q
    logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade "${missing[@]}"
fi

work=$(mktemp -d "$(dirname "$target")/bootstrap.XXXXXX")
raw=$work/disk.raw
root=$work/root
loop=""
uuid=""
debootstrap_pid=""
cleanup() {
    set +e
    [ -n "$debootstrap_pid" ] && { kill "$debootstrap_pid" 2>/dev/null; wait "$debootstrap_pid" 2>/dev/null; }
    [ -n "$uuid" ] && rm -f "/dev/disk/by-uuid/$uuid"   # the link made for update-grub, if it failed
    for m in var/cache/apt/archives dev/pts dev proc sys; do mountpoint -q "$root/$m" && umount -l "$root/$m"; done
    mountpoint -q "$root" && umount -l "$root"
    [ -n "$loop" ] && losetup -d "$loop"
    rm -rf "$work"
}
trap cleanup EXIT

echo "partitioning a ${size_mb} MB disk"
truncate -s "${size_mb}M" "$raw"
echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$raw"
loop=$(losetup -f --show -P "$raw")
partx -u "$loop" 2>/dev/null || true   # losetup -P makes no loopNp1 on some kernels
part=${loop}p1
for _ in $(seq 50); do [ -b "$part" ] && break; sleep 0.1; done
[ -b "$part" ] || { echo "no partition device $part" >&2; exit 1; }
mkfs.ext4 -q -L rootfs "$part"
uuid=$(blkid -s UUID -o value "$part")
mkdir -p "$root"
mount "$part" "$root"

packages=linux-image-amd64,grub-pc,openssh-server,systemd-sysv,udev,ifupdown,isc-dhcp-client,iproute2,netbase,procps,sudo,ca-certificates
case "$suite" in
    focal|jammy|noble) packages=${packages/linux-image-amd64/linux-image-virtual} ;;
esac
echo "debootstrap $suite from $mirror"
export http_proxy=$proxy https_proxy=$proxy
cache_args=()
if [ -n "$cache" ]; then
    mkdir -p "$cache/debootstrap-$suite" "$cache/apt-$suite/partial"
    cache_args=(--cache-dir="$(cd "$cache/debootstrap-$suite" && pwd)")
fi
debootstrap --variant=minbase "${cache_args[@]}" --include="$packages" "$suite" "$root" "$mirror" \
    >"$work/debootstrap.log" 2>&1 &
debootstrap_pid=$!
# debootstrap says nothing for minutes: every 15 s, how far it is (its package lists give the total)
count() { grep -c "^I: $1 [a-z0-9]" "$work/debootstrap.log" || true; }
said="" ticks=0
while kill -0 "$debootstrap_pid" 2>/dev/null; do
    sleep 1
    ticks=$((ticks + 1))
    (( ticks % 15 )) && continue
    total=$(cat "$root/debootstrap/required" "$root/debootstrap/base" 2>/dev/null | wc -w || true)
    [ "${total:-0}" -gt 0 ] || total="?"
    now="$(count Validating) fetched, $(count Extracting) extracted, $(count Unpacking) unpacked, $(count Configuring) configured"
    [ "$now" = "$said" ] || echo "debootstrap: $total packages: $now"
    said=$now
done
rc=0
wait "$debootstrap_pid" || rc=$?
debootstrap_pid=""
[ "$rc" = 0 ] || { tail -n 30 "$work/debootstrap.log" "$root/debootstrap/debootstrap.log" 2>/dev/null >&2; exit 1; }
sed 's/^/| /' "$work/debootstrap.log"
for m in dev dev/pts proc sys; do mount --bind "/$m" "$root/$m"; done
[ -n "$cache" ] && mount --bind "$cache/apt-$suite" "$root/var/cache/apt/archives"
if [ -n "$proxy" ]; then printf 'Acquire::http::Proxy "%s";\n' "$proxy" >"$root/etc/apt/apt.conf.d/90proxy"; fi
if [ -n "$extra" ]; then
    # extra packages through apt in the new system, not debootstrap --include: apt orders their maintainer
    # scripts properly (debootstrap's configure pass fails on some, e.g. python3-cryptography)
    echo "installing ${extra//,/ }"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"   # start no services in the chroot
    chmod +x "$root/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2086
    logged chroot "$root" env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -q && apt-get install -y -q \
        --no-install-recommends ${extra//,/ }"
    rm -f "$root/usr/sbin/policy-rc.d"
fi

echo "configuring the system"
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$root/etc/fstab"
echo "bootstrap" >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tbootstrap\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' >"$root/etc/network/interfaces"
install -d -m 700 "$root/root/.ssh"
install -m 600 "$pubkey" "$root/root/.ssh/authorized_keys"
# ed25519 host key only: generating RSA keys at first boot costs 8-26 s under TCG
rm -f "$root"/etc/ssh/ssh_host_*
chroot "$root" ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\nPermitRootLogin prohibit-password\n' \
    >"$root/etc/ssh/sshd_config.d/imagebuilder.conf"
: >"$root/etc/machine-id"
sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="net.ifnames=0 biosdevname=0 console=tty0 console=ttyS0,115200n8"/' \
    "$root/etc/default/grub"
sed -i 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=1/' "$root/etc/default/grub"
printf 'GRUB_TERMINAL="console serial"\nGRUB_SERIAL_COMMAND="serial --speed=115200"\n' >>"$root/etc/default/grub"

echo "installing GRUB"
# without udev, update-grub writes root=/dev/loopXp1 unless the by-uuid link exists while it runs
mkdir -p /dev/disk/by-uuid
ln -sf "$part" "/dev/disk/by-uuid/$uuid"
chroot "$root" grub-install --target=i386-pc "$loop" >"$work/grub.log" 2>&1 || { cat "$work/grub.log" >&2; exit 1; }
chroot "$root" update-grub >>"$work/grub.log" 2>&1 || { cat "$work/grub.log" >&2; exit 1; }
rm -f "/dev/disk/by-uuid/$uuid"
grep -q "root=UUID=$uuid" "$root/boot/grub/grub.cfg" || { echo "grub.cfg does not boot by UUID" >&2; exit 1; }
mountpoint -q "$root/var/cache/apt/archives" && umount "$root/var/cache/apt/archives"
chroot "$root" apt-get clean
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/lib/apt/lists/*

for m in dev/pts dev proc sys; do umount "$root/$m"; done
umount "$root"
losetup -d "$loop"; loop=""
echo "converting to qcow2"
qemu-img convert -O qcow2 "$raw" "$target"
echo "bootstrap disk ready: $target"
