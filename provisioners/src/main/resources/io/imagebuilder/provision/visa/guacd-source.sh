step "Installing the guacamole-server build dependencies"
install_packages {{packages}}

step "Getting the guacamole-server source"
get_source "$PAYLOAD/src" {{source}}
cd "$PAYLOAD/src"

step "Building guacamole-server"
# before 1.5, OpenSSL 3's deprecation warnings stop the build (-Werror)
version=$(sed -n 's/^AC_INIT(\[guacamole-server\], *\[\([0-9][0-9.]*\)\].*/\1/p' configure.ac 2>/dev/null || true)
case "$version" in
    0.*|1.[0-4].*)
        echo "guacamole-server $version: building with -Wno-error=deprecated-declarations"
        export CFLAGS="${CFLAGS:-} -Wno-error=deprecated-declarations" ;;
esac
autoreconf -fi
./configure {{configure_options}}
make -j"{{jobs}}"
make install
ldconfig

