#!/bin/sh
# An example analysis application on the desktop: a launcher for a plotting tool.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends gnuplot-x11
install -d /usr/share/applications
cat > /usr/share/applications/visa-gnuplot.desktop <<'DESKTOP'
[Desktop Entry]
Type=Application
Name=Gnuplot (VISA example)
Exec=xfce4-terminal -e gnuplot
Categories=Science;
DESKTOP
