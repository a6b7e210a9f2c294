#!/bin/bash
# NeXpy, a GUI for NeXus data, in its own conda environment with a launcher on the desktop menu.
set -e

"${CONDA_PREFIX}/bin/conda" create --yes --prefix "${CONDA_PREFIX}/envs/nexpy" -c conda-forge python=3.11 nexpy
ln -sf "${CONDA_PREFIX}/envs/nexpy/bin/nexpy" /usr/local/bin/nexpy

cat > /usr/share/applications/nexpy.desktop <<DESKTOP
[Desktop Entry]
Type=Application
Name=NeXpy
Exec=/usr/local/bin/nexpy
Categories=Science;Education;
DESKTOP
