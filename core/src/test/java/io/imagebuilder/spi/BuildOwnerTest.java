package io.imagebuilder.spi;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildOwnerTest {

    /** The record of a process that has ended. */
    static BuildOwner ended() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        ProcessHandle h = p.toHandle();
        long start = h.info().startInstant().orElseThrow().toEpochMilli();
        p.destroyForcibly().waitFor();
        return new BuildOwner(h.pid(), start, BuildOwner.current().bootId());
    }

    @Test
    void thisProcessRunsAnEndedOneDoesNotNorOneOfAnotherBootOrStartTime() throws Exception {
        BuildOwner me = BuildOwner.current();
        assertTrue(me.isAlive());
        assertFalse(ended().isAlive());
        assertFalse(new BuildOwner(me.pid(), me.startMillis(), "00000000-0000-0000-0000-000000000000").isAlive());
        assertFalse(new BuildOwner(me.pid(), me.startMillis() - 1000, me.bootId()).isAlive(), "a reused pid");
    }

    @Test
    void theRecordReadsBackAsWrittenAndAsLibvirtRewritesIt() {
        BuildOwner me = BuildOwner.current();
        Path dir = Path.of("/out/.work/imagebuilder-a-1b2c3d4e");
        String metadata = me.domainMetadata(dir);
        assertEquals(Optional.of(new BuildOwner.Claim(me, Optional.of(dir))), BuildOwner.parse(metadata));
        assertEquals(Optional.of(new BuildOwner.Claim(me, Optional.of(dir))),
                BuildOwner.parse(metadata.replace('\'', '"')), "libvirt writes double quotes");
        assertEquals(Optional.of(new BuildOwner.Claim(me, Optional.empty())), BuildOwner.parse(me.record()));
        assertEquals(Optional.empty(), BuildOwner.parse("<domain><name>imagebuilder-x</name></domain>"));
    }
}
