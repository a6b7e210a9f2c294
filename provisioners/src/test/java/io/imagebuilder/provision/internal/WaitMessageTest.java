package io.imagebuilder.provision.internal;

import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a long wait for SSH says meanwhile: where the boot is, from the serial console's last line. */
class WaitMessageTest {

    @Test
    void theLastNonBlankConsoleLineIsQuoted() throws Exception {
        SshConnector c = new SshConnector("127.0.0.1", 2222, new Communicator("root", Optional.of(Secret.of("pw")),
                Optional.empty(), 22, Duration.ofMinutes(1), false), null);
        try {
            assertEquals("still waiting for SSH on root@127.0.0.1:2222 after 30 s; the serial console last said:"
                    + " Loading initial ramdisk ...", c.stillWaiting(TimeUnit.SECONDS.toNanos(30),
                    () -> List.of("Booting `Debian GNU/Linux'", "  Loading initial ramdisk ...  ", "")));
            assertEquals("still waiting for SSH on root@127.0.0.1:2222 after 90 s; the serial console printed"
                    + " nothing yet", c.stillWaiting(TimeUnit.SECONDS.toNanos(90), List::of));
        } finally {
            c.close();
        }
    }
}
