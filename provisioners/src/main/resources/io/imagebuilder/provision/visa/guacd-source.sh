step "Installing the guacamole-server build dependencies"
install_packages {{packages}}

step "Getting the guacamole-server source"
get_source "$PAYLOAD/src" {{source}}
cd "$PAYLOAD/src"

step "Building guacamole-server"
autoreconf -fi
./configure {{configure_options}}
make -j"{{jobs}}"
make install
ldconfig

