package io.imagebuilder.qemu.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user libvirt runs QEMU as, and the folders it cannot enter, asked of the kernel as that user (nobody). */
class HostCheckTest {

    private static final HostCheck.QemuUser NOBODY = new HostCheck.QemuUser(65534, 65534, Optional.of("nobody"));

    @TempDir
    Path dir;

    @Test
    void theQemuUserIsLibvirtsDacBaseLabel() {
        String caps = "<capabilities><host><secmodel><model>none</model><doi>0</doi></secmodel>"
                + "<secmodel><model>dac</model><doi>0</doi><baselabel type='kvm'>+64055:+107</baselabel>"
                + "<baselabel type='qemu'>+64055:+64055</baselabel></secmodel></host></capabilities>";
        HostCheck.QemuUser user = HostCheck.qemuUser(caps).orElseThrow();
        assertEquals(64055, user.uid());
        assertEquals(64055, user.gid());
        assertEquals(Optional.empty(), HostCheck.qemuUser("<capabilities><host/></capabilities>"));
    }

    @Test
    void aClosedFolderOnTheWayIsNamedWithTheWaysOut() throws Exception {
        Path closed = Files.createDirectories(dir.resolve("closed"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path output = closed.resolve("output/not-yet-made");

        List<String> problems = HostCheck.unreachable(NOBODY, List.of(output, dir));
        assertEquals(1, problems.size(), problems.toString());
        String p = problems.get(0);
        assertTrue(p.startsWith("QEMU runs as nobody (uid 65534) (libvirt's qemu.conf), which cannot enter "
                + closed + " (drwx------ root:root) on the way to " + output), p);
        assertTrue(p.endsWith("setfacl -m u:nobody:x " + closed), p);

        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx--x--x"));
        assertEquals(List.of(), HostCheck.unreachable(NOBODY, List.of(output, dir)));
    }
}
