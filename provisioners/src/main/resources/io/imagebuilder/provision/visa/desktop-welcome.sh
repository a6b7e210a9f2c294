step "Installing the welcome message (/etc/motd and a desktop note)"
install -m 644 -o root -g root "$PAYLOAD/welcome.txt" /etc/motd
install -d -m 755 /etc/visa /etc/xdg/autostart /usr/local/bin
install -m 644 -o root -g root "$PAYLOAD/welcome.txt" /etc/visa/welcome.txt
install -m 755 -o root -g root "$PAYLOAD/visa-welcome" /usr/local/bin/visa-welcome
install -m 644 -o root -g root "$PAYLOAD/visa-welcome.desktop" /etc/xdg/autostart/visa-welcome.desktop
