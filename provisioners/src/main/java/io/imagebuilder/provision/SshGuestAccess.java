package io.imagebuilder.provision;

import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.internal.ProvisionerRunner;
import io.imagebuilder.provision.internal.SshGuestSession;
import io.imagebuilder.provision.internal.TemporaryKeys;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ProvisionerKind;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * {@link GuestAccess} over SSH with Apache MINA SSHD: shell and file provisioners here, other types through the
 * {@link ProvisionerKind}s found with {@link ServiceLoader}.
 */
public final class SshGuestAccess implements GuestAccess {

    private volatile ProvisionerRunner runner;

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

    @Override
    public void provision(ProvisionerSpec spec, GuestSession session, StepContext ctx) throws Exception {
        ProvisionerRunner r = runner;
        if (r == null) {
            r = new ProvisionerRunner(ServiceLoader.load(ProvisionerKind.class).stream()
                    .map(ServiceLoader.Provider::get).toList());
            runner = r;
        }
        r.run(spec, session, ctx);
    }
}
