#!/bin/bash
# silx view, a viewer for HDF5 files; its launcher is uploaded by the next provisioner.
set -e

"${CONDA_PREFIX}/bin/conda" create --yes --prefix "${CONDA_PREFIX}/envs/silx" -c conda-forge python=3.11 silx pyqt
ln -sf "${CONDA_PREFIX}/envs/silx/bin/silx" /usr/local/bin/silx
