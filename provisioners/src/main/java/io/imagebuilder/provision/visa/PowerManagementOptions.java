package io.imagebuilder.provision.visa;

import io.imagebuilder.template.ProvisionerSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of the {@code power-management} provisioner: the systemd targets masked so a VM never sleeps. */
public record PowerManagementOptions(List<String> maskedTargets) implements VisaOptions {

    public static final String TYPE = "power-management";
    public static final List<String> DEFAULT_TARGETS = List.of("sleep.target", "suspend.target",
            "hibernate.target", "hybrid-sleep.target");

    public PowerManagementOptions {
        maskedTargets = List.copyOf(maskedTargets);
    }

    public static PowerManagementOptions defaults() {
        return new PowerManagementOptions(DEFAULT_TARGETS);
    }

    public static PowerManagementOptions parse(ProvisionerSpec.Custom spec) {
        OptionReader r = new OptionReader(spec);
        List<String> targets = r.stringList("masked_targets", DEFAULT_TARGETS);
        for (String t : targets) {
            if (!t.matches("[A-Za-z0-9_@.:-]+\\.(target|service|socket|timer)")) {
                throw r.fail("masked_targets", "must list systemd unit names like sleep.target, got '" + t + "'");
            }
        }
        PowerManagementOptions o = new PowerManagementOptions(targets);
        r.finish();
        return o;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Proxy proxy() {
        return Proxy.NONE;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("masked_targets", maskedTargets);
        return m;
    }
}
