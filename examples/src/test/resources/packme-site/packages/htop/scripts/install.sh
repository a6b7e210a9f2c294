#!/bin/sh
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends htop
