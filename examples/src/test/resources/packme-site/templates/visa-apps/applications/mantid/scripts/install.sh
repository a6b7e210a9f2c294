#!/bin/bash
# Mantid Workbench (large): installed only when the manifest's install_mantid is set.
set -e

if [ "${INSTALL_MANTID}" != "yes" ]; then
    echo "Mantid not requested, skipping"
    exit 0
fi

"${CONDA_PREFIX}/bin/conda" create --yes --prefix "${CONDA_PREFIX}/envs/mantid" -c mantid -c conda-forge mantidworkbench
ln -sf "${CONDA_PREFIX}/envs/mantid/bin/workbench" /usr/local/bin/mantidworkbench
