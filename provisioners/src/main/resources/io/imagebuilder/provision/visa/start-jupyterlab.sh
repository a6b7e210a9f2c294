#!/bin/sh
# Written by imagebuilder (jupyterlab provisioner); supervisor runs it at boot.
# Starts JupyterLab as the instance owner, whom VISA names in the cloud-init metadata, under the URL path
# /jupyter/INSTANCE_ID/ that VISA's jupyter proxy forwards.
set -eu

# The owner-boot script creates the owner at first boot: wait for it (up to 5 minutes).
owner=""
tries=0
while [ -z "$owner" ]; do
    owner=$(cloud-init query ds.meta_data.meta.owner 2>/dev/null || true)
    if [ -n "$owner" ] && ! id "$owner" >/dev/null 2>&1; then
        owner=""
    fi
    if [ -z "$owner" ]; then
        tries=$((tries + 1))
        if [ "$tries" -gt 60 ]; then
            echo "no owner user from the cloud-init metadata (ds.meta_data.meta.owner)" >&2
            exit 1
        fi
        sleep 5
    fi
done
instance_id=$(cloud-init query ds.meta_data.meta.id 2>/dev/null || cloud-init query instance_id)
home=$(getent passwd "$owner" | cut -d: -f6)
cd "$home"
exec runuser -u "$owner" -- env HOME="$home" USER="$owner" \
    {{jupyter}} lab --no-browser --ip=0.0.0.0 --port={{port}} \
    --ServerApp.base_url="/jupyter/$instance_id/" --ServerApp.root_dir="$home" {{jupyter_args}}
