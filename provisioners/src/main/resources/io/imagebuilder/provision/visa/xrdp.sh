{{install}}
step "Writing the xrdp-sesman PAM stack (/etc/pam.d/xrdp-sesman)"
install -d -m 755 /etc/pam.d
install -m 644 -o root -g root "$PAYLOAD/xrdp-sesman.pam" /etc/pam.d/xrdp-sesman
if ! find -H /lib /lib64 /usr/lib /usr/lib64 -name {{pam_module}} 2>/dev/null | grep -q .; then
    echo "note: {{pam_module}} is not installed yet (the visa-pam provisioner installs it)"
fi

step "Enabling xrdp"
enable_unit xrdp
enable_unit xrdp-sesman
