step "Building xorgxrdp"
get_source "$PAYLOAD/xorgxrdp-src" {{source}}
cd "$PAYLOAD/xorgxrdp-src"
[ -x ./configure ] || ./bootstrap
# xorgxrdp finds the xrdp headers just installed under /usr/local.
PKG_CONFIG_PATH=/usr/local/lib/pkgconfig:${PKG_CONFIG_PATH:-} ./configure
make -j"$(nproc)"
make install
