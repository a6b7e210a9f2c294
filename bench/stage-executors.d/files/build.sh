#!/bin/sh
# A small autotools program, uploaded as a directory, built and installed.
set -eu
cd /tmp/hello-autotools
autoreconf -fi
./configure --prefix=/usr/local
make
make install
/usr/local/bin/hello-bench
