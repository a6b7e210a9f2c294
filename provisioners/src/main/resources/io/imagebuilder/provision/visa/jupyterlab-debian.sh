step "Installing JupyterLab, its Python kernel and supervisor from the distribution"
install_packages {{system_packages}}

step "Writing the launcher and the supervisor program"
install -d -m 755 "$(dirname {{launcher}})"
install -m 755 -o root -g root "$PAYLOAD/start-jupyterlab.sh" {{launcher}}
install -d -m 755 /etc/supervisor/conf.d
install -m 644 -o root -g root "$PAYLOAD/jupyterlab.conf" /etc/supervisor/conf.d/jupyterlab.conf
