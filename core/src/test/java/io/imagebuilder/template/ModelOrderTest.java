package io.imagebuilder.template;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The model keeps the order a template wrote its maps in, so its text (digested by the build cache) is the same
 * in every JVM: with Map.copyOf the order, and so the digest, changed from run to run and nothing was reused.
 */
class ModelOrderTest {

    private static Map<String, Object> numbered() {
        Map<String, Object> m = new LinkedHashMap<>();
        IntStream.range(0, 30).forEach(i -> m.put("key" + i, "v" + i));
        return m;
    }

    @Test
    void provisionerOptionsEnvironmentAndPropertiesKeepTheirOrder() {
        Map<String, Object> options = numbered();
        ProvisionerSpec.Custom custom = new ProvisionerSpec.Custom(Location.UNKNOWN, "x", "x", options,
                ProvisionerSpec.Common.defaults());
        assertEquals(List.copyOf(options.keySet()), List.copyOf(custom.options().keySet()));

        Map<String, String> env = new LinkedHashMap<>();
        options.forEach((k, v) -> env.put(k, (String) v));
        ProvisionerSpec.Shell shell = new ProvisionerSpec.Shell(Location.UNKNOWN, "s", List.of(), List.of(), env,
                ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND, false, ProvisionerSpec.Common.defaults());
        assertEquals(List.copyOf(env.keySet()), List.copyOf(shell.environment().keySet()));

        Publish publish = new Publish("img", Publish.Visibility.PUBLIC, 0, 0, "qcow2", "bare", false, env,
                List.of(), Publish.OnConflict.FAIL);
        assertEquals(List.copyOf(env.keySet()), List.copyOf(publish.properties().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> publish.properties().put("a", "b"));
    }
}
