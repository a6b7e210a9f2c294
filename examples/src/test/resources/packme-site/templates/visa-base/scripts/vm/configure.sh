#!/bin/bash
# Settings of the VM itself: hostname, locale, timezone, console.
set -e
export DEBIAN_FRONTEND=noninteractive

echo "${VM_HOSTNAME}" > /etc/hostname
sed -i -e "s/^127.0.1.1.*/127.0.1.1\t${VM_HOSTNAME}/" /etc/hosts

apt-get -y install locales tzdata
locale-gen en_US.UTF-8 en_GB.UTF-8 fr_FR.UTF-8
update-locale LANG=en_US.UTF-8
timedatectl set-timezone Europe/Paris || ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime

echo "VISA_IMAGE=${VISA_IMAGE}" > /etc/visa/image
echo "IMAGE_LABEL=\"${IMAGE_LABEL}\"" >> /etc/visa/image

sed -i -e 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="console=tty0 console=ttyS0,115200"/' /etc/default/grub
update-grub
