#!/bin/sh
set -eu
python3 -m pip install "jupyterlab==${JUPYTER_VERSION}"
reboot
