"""Stand-in for a pinned package of the VISA JupyterLab environment (imagebuilder tests)."""
VERSION = "1.0"
