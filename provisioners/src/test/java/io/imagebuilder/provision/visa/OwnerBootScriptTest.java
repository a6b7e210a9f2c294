package io.imagebuilder.provision.visa;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerBootScriptTest {

    @Test
    void printableSnippetCreatesTheOwnerAndWritesTheKey() throws Exception {
        String s = OwnerBootScriptProvisioner.script();
        assertTrue(s.startsWith("#!/bin/sh\n"));
        assertTrue(s.contains("owner=$(cloud-init query ds.meta_data.meta.owner"));
        assertTrue(s.contains("useradd --create-home --shell /bin/bash \"$owner\""));
        assertTrue(s.contains("head -c 24 /dev/urandom"));
        assertTrue(s.contains("| chpasswd"));
        assertTrue(s.contains("key=$(cloud-init query ds.meta_data.meta.pamPublicKey"));
        assertTrue(s.contains("chmod 600 /etc/visa/public.pem"));
        assertTrue(s.contains("chown root:root /etc/visa/public.pem"));
        assertFalse(s.contains("echo \"$password\""), "the password must not reach the console");
        assertFalse(s.contains("{{"));
        ScriptRenderingTest.shellParses(s);
    }

    @Test
    void optionsChangeShellGroupsAndKeyPath() throws Exception {
        String s = OwnerBootScriptProvisioner.script(new OwnerBootScriptOptions(
                "/etc/visa/owner-boot.sh", "/bin/zsh", List.of("docker", "audio"), "/etc/visa/pam.pem"));
        assertTrue(s.contains("--shell /bin/zsh"));
        assertTrue(s.contains("groups=\"docker,audio\""));
        assertTrue(s.contains("chmod 600 /etc/visa/pam.pem"));
        assertEquals(s, OwnerBootScriptProvisioner.script(new OwnerBootScriptProvisioner().parse(
                new OwnerBootScriptOptions("/etc/visa/owner-boot.sh", "/bin/zsh", List.of("docker", "audio"),
                        "/etc/visa/pam.pem").toSpec())));
        ScriptRenderingTest.shellParses(s);
    }
}
