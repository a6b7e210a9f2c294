step "Installing the xrdp build dependencies"
install_packages {{build_packages}}

step "Building xrdp"
get_source "$PAYLOAD/xrdp-src" {{source}}
cd "$PAYLOAD/xrdp-src"
[ -x ./configure ] || ./bootstrap
./configure {{configure_options}}
make -j"$(nproc)"
make install
ldconfig
{{xorgxrdp}}
