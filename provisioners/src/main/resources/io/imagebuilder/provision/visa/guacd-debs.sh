step "Installing guacd from pinned packages: "{{files}}
cd "$PAYLOAD"
sha256sum -c guacd-debs.sha256
apt-get update -q
# apt takes their dependencies from the guest's repositories
apt-get install -y -q --no-install-recommends {{paths}}
