#!/bin/bash
# Builds and installs the VISA PAM module, which lets users log in with a token signed by the VISA server.
set -e
export DEBIAN_FRONTEND=noninteractive

apt-get -y install libpam0g-dev libssl-dev

workdir=$(mktemp -d)
git clone --depth 1 --branch "${VISA_PAM_VERSION}" https://github.com/ILLGrenoble/visa-pam.git "$workdir/visa-pam"
cmake -S "$workdir/visa-pam" -B "$workdir/build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$workdir/build"
install -m 0644 "$workdir"/build/pam_visa.so /lib/x86_64-linux-gnu/security/pam_visa.so
rm -rf "$workdir"
