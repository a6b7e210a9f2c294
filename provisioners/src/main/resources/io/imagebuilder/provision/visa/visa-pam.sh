step "Installing the VISA PAM build dependencies"
install_packages {{packages}}

step "Getting the VISA PAM source"
get_source "$PAYLOAD/src" {{source}}

step "Building pam_visa.so with cmake"
mkdir -p "$PAYLOAD/src/build"
cd "$PAYLOAD/src/build"
cmake {{cmake_options}} ..
make -j"$(nproc)"
make install

# The PAM module folder is where pam_unix.so lives (/lib/x86_64-linux-gnu/security on Debian,
# /lib64/security on RHEL); make install may have put the module elsewhere (e.g. under /usr/local).
unix=$(find -H /lib /lib64 /usr/lib /usr/lib64 -name pam_unix.so -type f 2>/dev/null | head -n 1)
if [ -z "$unix" ]; then
    echo "no pam_unix.so in the guest: is PAM installed?" >&2
    exit 1
fi
moddir=$(dirname "$unix")
if [ ! -f "$moddir/pam_visa.so" ]; then
    built=$(find "$PAYLOAD/src" -name pam_visa.so -type f | head -n 1)
    if [ -z "$built" ]; then
        echo "the build made no pam_visa.so" >&2
        exit 1
    fi
    install -m 644 -o root -g root "$built" "$moddir/pam_visa.so"
fi
echo "pam_visa.so is in $moddir"

{{public_key}}
