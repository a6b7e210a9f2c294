package io.imagebuilder.internal.provision;

import io.imagebuilder.template.ProvisionerSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShellCommandTest {

    @Test
    void packerDefaultWithSortedQuotedVars() {
        assertEquals("chmod +x /tmp/script_0042.sh; A='x y' B='it'\"'\"'s $HOME' /tmp/script_0042.sh",
                ShellProvisioner.command(ProvisionerSpec.Shell.PACKER_EXECUTE_COMMAND,
                        Map.of("B", "it's $HOME", "A", "x y"), "/tmp/script_0042.sh"));
    }

    @Test
    void blankExecuteCommandMeansPackersAndBadNamesAreRefused() {
        assertEquals("chmod +x /p;  /p", ShellProvisioner.command(null, Map.of(), "/p"));
        assertThrows(IllegalArgumentException.class, () -> ShellProvisioner.command("{{ .Vars }}",
                Map.of("BAD-NAME", "v"), "/p"));
    }
}
