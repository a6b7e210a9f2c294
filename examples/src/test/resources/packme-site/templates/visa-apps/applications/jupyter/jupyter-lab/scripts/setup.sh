#!/bin/bash
# JupyterLab server, started by supervisor and reached through the VISA server's proxy.
set -e

"${CONDA_PREFIX}/bin/conda" create --yes --prefix "${CONDA_PREFIX}/envs/jupyter" -c conda-forge \
    "jupyterlab=${JUPYTERLAB_VERSION}" nb_conda_kernels ipywidgets

mkdir -p /opt/visa/jupyter
cat > /etc/default/jupyterlab <<ENV
CONDA_PREFIX=${CONDA_PREFIX}
JUPYTER_PORT=${JUPYTER_PORT}
ENV
