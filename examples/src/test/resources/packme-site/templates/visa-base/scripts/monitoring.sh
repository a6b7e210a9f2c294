#!/bin/bash
# Prometheus exporters, scraped by the VISA server to show the instance's activity.
set -e
export DEBIAN_FRONTEND=noninteractive

apt-get -y install prometheus-node-exporter

version=0.7.10
curl -fsSL "https://github.com/ncabatoff/process-exporter/releases/download/v${version}/process-exporter_${version}_linux_amd64.deb" \
    -o /tmp/process-exporter.deb
apt-get -y install /tmp/process-exporter.deb
rm -f /tmp/process-exporter.deb
