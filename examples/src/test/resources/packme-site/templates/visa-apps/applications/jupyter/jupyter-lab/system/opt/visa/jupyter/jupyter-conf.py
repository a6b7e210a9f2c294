# JupyterLab settings for VISA: the VISA server authenticates users and proxies to this port.
c = get_config()  # noqa: F821

c.ServerApp.ip = "0.0.0.0"
c.ServerApp.open_browser = False
c.ServerApp.allow_origin = "*"
c.ServerApp.base_url = "/jupyter/"
c.ServerApp.token = ""
c.ServerApp.password = ""
c.ServerApp.disable_check_xsrf = True
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash", "-l"]}
c.CondaKernelSpecManager.env_filter = r".*envs/jupyter$"
