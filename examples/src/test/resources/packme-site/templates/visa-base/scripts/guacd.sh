#!/bin/bash
# guacd proxies the remote desktop between the VISA web client and XRDP.
set -e
export DEBIAN_FRONTEND=noninteractive

apt-get -y install guacd libguac-client-rdp0
mkdir -p /var/log/guacd
