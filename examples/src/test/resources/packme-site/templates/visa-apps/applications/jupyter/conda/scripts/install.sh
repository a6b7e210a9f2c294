#!/bin/bash
# Miniforge in CONDA_PREFIX: the Python of the JupyterLab server and of the scientific kernels.
set -e

curl -fsSL https://github.com/conda-forge/miniforge/releases/latest/download/Miniforge3-Linux-x86_64.sh -o /tmp/miniforge.sh
bash /tmp/miniforge.sh -b -p "${CONDA_PREFIX}"
rm -f /tmp/miniforge.sh

if [ -n "$http_proxy" ]; then
    "${CONDA_PREFIX}/bin/conda" config --system --set proxy_servers.http "$http_proxy"
    "${CONDA_PREFIX}/bin/conda" config --system --set proxy_servers.https "${https_proxy:-$http_proxy}"
fi
"${CONDA_PREFIX}/bin/conda" config --system --set auto_activate_base false
ln -sf "${CONDA_PREFIX}/etc/profile.d/conda.sh" /etc/profile.d/conda.sh
