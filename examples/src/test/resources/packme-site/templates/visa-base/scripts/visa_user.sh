#!/bin/bash
# The group of the platform's users, and the defaults of their home folders.
set -e

getent group "${VISA_GROUP}" > /dev/null || groupadd --system "${VISA_GROUP}"
mkdir -p /etc/skel/Desktop /etc/skel/.config
sed -i -e 's/^#\?DIR_MODE=.*/DIR_MODE=0750/' /etc/adduser.conf
