#!/bin/bash
# XRDP, run by supervisor (see system/etc/supervisor/conf.d) rather than systemd.
set -e
export DEBIAN_FRONTEND=noninteractive

apt-get -y install xrdp xorgxrdp
adduser xrdp ssl-cert

sed -i -e 's/^max_bpp=.*/max_bpp=24/' -e 's/^crypt_level=.*/crypt_level=none/' /etc/xrdp/xrdp.ini
sed -i -e 's/^AllowRootLogin=.*/AllowRootLogin=false/' -e 's/^KillDisconnected=.*/KillDisconnected=false/' /etc/xrdp/sesman.ini
