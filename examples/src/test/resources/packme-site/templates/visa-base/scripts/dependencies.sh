#!/bin/bash
# Packages every VISA image needs, whatever runs on its desktop.
set -e
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get -y install software-properties-common apt-transport-https gnupg \
    build-essential git cmake pkg-config \
    supervisor rsyslog chrony \
    net-tools iputils-ping unzip zip bzip2 nano
