step "Installing the desktop background "{{image}}
install -d -m 755 {{dir}}
install -m 644 -o root -g root "$PAYLOAD/background" {{image}}
install -d -m 755 /etc/xdg/xfce4/xfconf/xfce-perchannel-xml
install -m 644 -o root -g root "$PAYLOAD/xfce4-desktop.xml" /etc/xdg/xfce4/xfconf/xfce-perchannel-xml/xfce4-desktop.xml

