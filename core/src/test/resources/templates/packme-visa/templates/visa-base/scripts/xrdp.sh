#!/bin/sh
set -eu
apt-get -y install xrdp xfce4
systemctl enable xrdp
