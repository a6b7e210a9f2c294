export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
step "Installing Python venv support and supervisor"
install_packages {{system_packages}}

step "Creating the virtual environment "{{venv}}
mkdir -p "$(dirname {{venv}})"
python3 -m venv {{venv}}

step "Installing the pinned packages"
{{pip_install}}

step "Writing the launcher and the supervisor program"
install -m 755 -o root -g root "$PAYLOAD/start-jupyterlab.sh" {{launcher}}
install -d -m 755 /etc/supervisor/conf.d
install -m 644 -o root -g root "$PAYLOAD/jupyterlab.conf" /etc/supervisor/conf.d/jupyterlab.conf
