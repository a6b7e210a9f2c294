{{install}}
step "Writing /etc/guacamole/guacd.conf"
install -d -m 755 /etc/guacamole
install -m 644 -o root -g root "$PAYLOAD/guacd.conf" /etc/guacamole/guacd.conf
if [ -f /etc/default/guacd ]; then
    # Debian's guacd service passes -b/-l from here, over guacd.conf
    sed -i -e 's/^LISTEN_ADDRESS=.*/LISTEN_ADDRESS={{bind_host}}/' -e 's/^LISTEN_PORT=.*/LISTEN_PORT={{bind_port}}/' \
        /etc/default/guacd
fi

step "Enabling the guacd service"
service={{service}}
if [ "$service" = auto ]; then
    if command -v systemctl >/dev/null 2>&1; then
        service=systemd
    elif [ -d /etc/supervisor/conf.d ]; then
        service=supervisor
    else
        service=init.d
    fi
fi
case "$service" in
    systemd)
        # guacamole-server installs an init script (--with-init-dir): systemd enables it through systemd-sysv.
        systemctl enable guacd ;;
    supervisor)
        guacd_bin=$(PATH="$PATH:/usr/local/sbin:/usr/sbin" command -v guacd)
        cat > /etc/supervisor/conf.d/guacd.conf <<CONF
; Written by imagebuilder (guacd provisioner).
[program:guacd]
command=$guacd_bin -f
autostart=true
autorestart=true
CONF
        ;;
    init.d)
        if command -v update-rc.d >/dev/null 2>&1; then update-rc.d guacd defaults; else chkconfig guacd on; fi ;;
    none)
        echo "guacd is not enabled at boot (service: none)" ;;
esac
