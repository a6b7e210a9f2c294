package io.imagebuilder.template.internal;

import io.imagebuilder.template.Accelerator;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {

    @Test
    void sizesAreMegabytes() {
        assertEquals(2048, Values.megabytes("2048"));
        assertEquals(2048, Values.megabytes("2048M"));
        assertEquals(2048, Values.megabytes("2G"));
        assertEquals(1536, Values.megabytes("1.5GiB"));
        assertEquals(20480, Values.megabytes("20g"));
        assertEquals(1048576, Values.megabytes("1T"));
        assertEquals("'lots' is not a size (e.g. 2048, 2048M, 2G)",
                assertThrows(IllegalArgumentException.class, () -> Values.megabytes("lots")).getMessage());
    }

    @Test
    void durationsAreGoStyle() {
        assertEquals(Duration.ofSeconds(90), Values.duration("90"));
        assertEquals(Duration.ofMinutes(90), Values.duration("1h30m"));
        assertEquals(Duration.ofMillis(100), Values.duration("100ms"));
        assertEquals(Duration.ofMillis(1500), Values.duration("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Values.duration("10 minutes"));
        assertThrows(IllegalArgumentException.class, () -> Values.duration("5m later"));
    }

    @Test
    void acceleratorsAsPackerWritesThem() {
        assertEquals(Accelerator.AUTO, Accelerator.parse(""));
        assertEquals(Accelerator.KVM, Accelerator.parse("KVM"));
        assertEquals(Accelerator.TCG, Accelerator.parse("none"),
                "Packer's none leaves QEMU on its default, TCG");
        assertThrows(IllegalArgumentException.class, () -> Accelerator.parse("hvf"));
    }

    @Test
    void booleansAndUrls() {
        assertTrue(Values.bool("True"));
        assertEquals(false, Values.bool("no"));
        assertThrows(IllegalArgumentException.class, () -> Values.bool("maybe"));
        assertTrue(Values.isUrl("https://example.org/x.iso"));
        assertEquals(false, Values.isUrl("images/x.qcow2"));
    }
}
