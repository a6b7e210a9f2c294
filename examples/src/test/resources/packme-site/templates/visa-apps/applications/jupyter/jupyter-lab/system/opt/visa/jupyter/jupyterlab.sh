#!/bin/bash
# Started by supervisor (jupyterlab.conf) as the instance's owner.
. /etc/default/jupyterlab

exec "${CONDA_PREFIX}/envs/jupyter/bin/jupyter" lab \
    --config=/opt/visa/jupyter/jupyter-conf.py \
    --port="${JUPYTER_PORT}" \
    --notebook-dir="$HOME"
