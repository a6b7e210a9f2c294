#!/bin/sh
set -eu
apt-get -y install libpam-python
install -m 0644 /etc/visa/pam.conf /etc/security/visa.conf
