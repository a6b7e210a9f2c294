#!/bin/bash
# Builds the VISA images of this site with packme (Packer driven by the manifests under templates/).
#
#   ./build-image.sh -rp <root password> [-hp <http proxy URL>] [-np <no proxy hosts>] [-nh]

set -e

usage() {
	echo "usage: build-image.sh -rp <root password> [-hp <proxy URL>] [-np <no proxy hosts>] [-nh]"
}

export headless=true
HTTP_PROXY_URL=""
NO_PROXY_HOSTS="localhost"

while [[ $# -gt 0 ]]; do
	case "$1" in
		-rp|--root-password) VISA_ROOT_PASSWORD="$2"; shift 2 ;;
		-hp|--http-proxy)    HTTP_PROXY_URL="$2"; shift 2 ;;
		-np|--no-proxy)      NO_PROXY_HOSTS="$2"; shift 2 ;;
		-nh|--not-headless)  headless=false; shift ;;
		*) usage; exit 1 ;;
	esac
done

if [[ -z "$VISA_ROOT_PASSWORD" ]]; then
	echo "a root password for the VM is required"
	usage
	exit 1
fi

# packme reads these from the environment: the manifests use {{ root_password }}, {{ headless }} and {{ proxy }}
export root_password="$VISA_ROOT_PASSWORD"
export proxy="$HTTP_PROXY_URL"

# render the proxy settings of the base system (the rendered files are not kept in git)
sed -e "s|{http_proxy}|$HTTP_PROXY_URL|g" -e "s|{no_proxy}|$NO_PROXY_HOSTS|g" \
	templates/system-base/environment.yml.tlt > templates/system-base/environment.yml
if [[ -n "$HTTP_PROXY_URL" ]]; then
	sed -e "s|{http_proxy}|$HTTP_PROXY_URL|g" -e "s|{https_proxy}|$HTTP_PROXY_URL|g" -e "s|{no_proxy}|$NO_PROXY_HOSTS|g" \
		templates/system-base/system/etc/environment.tlt > templates/system-base/system/etc/environment
else
	: > templates/system-base/system/etc/environment
fi

python3 -m venv .venv_packme
source .venv_packme/bin/activate
pip3 install --quiet packme

export PACKER_LOG=1
packme --templates-base-dir templates --input config.yml --log --clean --run

deactivate
rm -rf .venv_packme
