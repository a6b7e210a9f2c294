step "Installing the VISA owner boot script at "{{path}}
install -d -m 755 "$(dirname {{path}})"
install -m 755 -o root -g root "$PAYLOAD/owner-boot.sh" {{path}}
