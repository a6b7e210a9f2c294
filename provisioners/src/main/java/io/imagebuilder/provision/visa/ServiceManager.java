package io.imagebuilder.provision.visa;

/** How a daemon is started at boot; {@code auto} picks systemd, else supervisor, else a SysV init script. */
public enum ServiceManager {
    AUTO("auto"), SYSTEMD("systemd"), SUPERVISOR("supervisor"), INIT_D("init.d"), NONE("none");

    private final String text;

    ServiceManager(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
