package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the {@code owner-boot-script} provisioner.
 *
 * @param path    where the script is installed; cloud-init runs /var/lib/cloud/scripts/per-instance/* once per
 *                instance
 * @param shell   the owner's login shell
 * @param groups  supplementary groups the owner joins (must exist in the image)
 * @param keyPath where the PAM public key from the metadata is written
 */
public record OwnerBootScriptOptions(String path, String shell, List<String> groups, String keyPath)
        implements VisaOptions {

    public static final String TYPE = "owner-boot-script";
    public static final String DEFAULT_PATH = "/var/lib/cloud/scripts/per-instance/visa-owner.sh";

    public OwnerBootScriptOptions {
        groups = List.copyOf(groups);
    }

    public static OwnerBootScriptOptions defaults() {
        return new OwnerBootScriptOptions(DEFAULT_PATH, "/bin/bash", List.of(), VisaPamOptions.DEFAULT_KEY_PATH);
    }

    public static OwnerBootScriptOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        String path = r.guestPath("path", DEFAULT_PATH);
        String shell = r.guestPath("shell", "/bin/bash");
        List<String> groups = r.stringList("groups", List.of());
        for (String g : groups) {
            if (!g.matches("[a-z_][a-z0-9_-]*")) {
                throw r.fail("groups", "has an invalid group name '" + g + "'");
            }
        }
        String keyPath = r.guestPath("public_key_path", VisaPamOptions.DEFAULT_KEY_PATH);
        OwnerBootScriptOptions o = new OwnerBootScriptOptions(path, shell, groups, keyPath);
        r.finish();
        return o;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The script only installs a file: no downloads. */
    @Override
    public Proxy proxy() {
        return Proxy.NONE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("shell", shell);
        m.put("groups", groups);
        m.put("public_key_path", keyPath);
        return m;
    }
}
