package io.imagebuilder.provision;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.internal.SshGuestSession;
import io.imagebuilder.provision.internal.TemporaryKeys;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.template.Communicator;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** {@link GuestAccess} over SSH with Apache MINA SSHD: the session every provisioner of a VM stage runs in. */
public final class SshGuestAccess implements GuestAccess {

    public SshGuestAccess() {
    }

    @Override
    public TemporaryKey createTemporaryKey(Path dir) throws Exception {
        return TemporaryKeys.create(dir);
    }

    @Override
    public GuestSession connect(String host, int port, Communicator communicator, TemporaryKey key,
                                Supplier<List<String>> serialTail, StepContext ctx) throws Exception {
        return SshGuestSession.open(host, port, communicator, key, serialTail, ctx);
    }
}
