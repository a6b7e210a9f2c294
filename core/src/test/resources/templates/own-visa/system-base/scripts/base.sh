#!/bin/sh
set -eu
apt-get update
apt-get -y upgrade
apt-get -y install curl ca-certificates
