#!/bin/sh
# VISA instance owner (installed by imagebuilder's owner-boot-script provisioner).
# At the first boot of an instance, creates the owner user that VISA names in the cloud-init metadata
# (meta.owner) with a random password nobody knows (VISA users sign in with a token checked by pam_visa),
# and writes the PAM public key from meta.pamPublicKey.
set -eu

owner=$(cloud-init query ds.meta_data.meta.owner 2>/dev/null || true)
if [ -z "$owner" ]; then
    echo "visa-owner: no owner in the instance metadata (ds.meta_data.meta.owner): nothing to do"
    exit 0
fi
if ! id "$owner" >/dev/null 2>&1; then
    useradd --create-home --shell {{shell}} "$owner"
    password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
    echo "$owner:$password" | chpasswd
    echo "visa-owner: created user $owner"
fi
groups="{{groups}}"
if [ -n "$groups" ]; then
    usermod -a -G "$groups" "$owner"
fi

key=$(cloud-init query ds.meta_data.meta.pamPublicKey 2>/dev/null || true)
if [ -n "$key" ]; then
    mkdir -p "$(dirname {{key_path}})"
    umask 077
    printf '%s\n' "$key" > {{key_path}}
    chown root:root {{key_path}}
    chmod 600 {{key_path}}
    echo "visa-owner: wrote {{key_path}}"
fi
