#!/usr/bin/env bash
# Boots (or removes) a throwaway copy of the test guest under libvirt with plain virsh, for the provisioners'
# guest ITs and bench/upload-dir. The image comes from qemu-driver/scripts/test-guest.sh (built once, cached);
# each VM gets its own qcow2 overlay and a host port forwarded to its sshd on 127.0.0.1.
#   guest-vm.sh start NAME   -> prints PORT=... KEY=... DIR=... SERIAL=... (does not wait for sshd)
#   guest-vm.sh stop NAME    -> destroys and undefines the domain, deletes its folder (idempotent)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${IMAGEBUILDER_CACHE:-$HOME/.cache/imagebuilder}/test-guest
cmd=${1:?usage: guest-vm.sh start|stop NAME}
name=${2:?usage: guest-vm.sh start|stop NAME}
dir=/tmp/ib-guest-$name
virsh=(virsh -q -c qemu:///system)

die() { echo "guest-vm: ERROR: $*" >&2; exit 1; }

stop() {
    "${virsh[@]}" destroy "$name" >/dev/null 2>&1 || true
    "${virsh[@]}" undefine "$name" >/dev/null 2>&1 || true
    rm -rf "$dir"
}

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    die "no free port found"
}

start() {
    [ -x "$repo/qemu-driver/scripts/test-guest.sh" ] || die "qemu-driver/scripts/test-guest.sh is missing"
    "$repo/qemu-driver/scripts/test-guest.sh" >&2
    [ -f "$cache/ready" ] || die "test guest not ready in $cache"
    "$repo/qemu-driver/scripts/libvirtd-start.sh" >&2
    stop
    mkdir -p "$dir"
    qemu-img create -q -f qcow2 -b "$cache/rootfs.qcow2" -F qcow2 "$dir/disk.qcow2"
    local port
    port=$(free_port)
    cat > "$dir/domain.xml" <<XML
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <memory unit='MiB'>768</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$cache/vmlinuz</kernel>
    <initrd>$cache/initrd.img</initrd>
    <cmdline>root=/dev/vda rw console=ttyS0 net.ifnames=0</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$dir/disk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'><source path='$dir/serial.log'/><target port='0'/></serial>
    <console type='file'><source path='$dir/serial.log'/><target type='serial' port='0'/></console>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-netdev'/><qemu:arg value='user,id=n0,hostfwd=tcp:127.0.0.1:$port-:22'/>
    <qemu:arg value='-device'/><qemu:arg value='virtio-net-pci,netdev=n0,bus=pci.0,addr=0x10'/>
  </qemu:commandline>
</domain>
XML
    "${virsh[@]}" define "$dir/domain.xml" >/dev/null
    "${virsh[@]}" start "$name" >/dev/null || { stop; die "virsh start $name failed"; }
    echo "PORT=$port KEY=$cache/id_ed25519 DIR=$dir SERIAL=$dir/serial.log"
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    *) die "unknown command $cmd" ;;
esac
