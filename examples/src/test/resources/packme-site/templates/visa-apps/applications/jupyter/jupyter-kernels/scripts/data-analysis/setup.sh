#!/bin/bash
# The "Data analysis" kernel, from the conda environment uploaded to /tmp.
set -e

"${CONDA_PREFIX}/bin/conda" env create --file /tmp/environment_data_analysis.yml --prefix "${CONDA_PREFIX}/envs/data-analysis"
"${CONDA_PREFIX}/envs/data-analysis/bin/python" -m ipykernel install --prefix "${CONDA_PREFIX}/envs/jupyter" \
    --name data-analysis --display-name "Data analysis (Python 3.11)"
rm -f /tmp/environment_data_analysis.yml
