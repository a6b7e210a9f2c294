step "Writing the VISA PAM public key"
install -d -m 755 "$(dirname {{key_path}})"
install -m 600 -o root -g root "$PAYLOAD/public.pem" {{key_path}}
