package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.template.Communicator;

/** Waits for the guest's sshd (the installer may still be running) and opens the build's SSH session. */
final class ConnectStep implements Step {

    private final GuestAccess guest;
    private final Communicator communicator;

    ConnectStep(GuestAccess guest, Communicator communicator) {
        this.guest = guest;
        this.communicator = communicator;
    }

    @Override
    public String name() {
        return "wait-for-ssh";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        MachineInstance vm = ctx.require(BuildKeys.MACHINE);
        ctx.info("waiting up to " + communicator.timeout().toMinutes() + " min for SSH on " + vm.sshHost() + ":"
                + vm.sshPort());
        GuestSession session = guest.connect(vm.sshHost(), vm.sshPort(), communicator,
                ctx.get(BuildKeys.SSH_KEY).orElse(GuestAccess.TemporaryKey.NONE), () -> vm.serialTail(30), ctx);
        ctx.put(BuildKeys.SESSION, session);
    }

    @Override
    public void cleanup(StepContext ctx) {
        ctx.remove(BuildKeys.SESSION).ifPresent(GuestSession::close);
    }

    @Override
    public boolean cleansUpOnAbort() {
        return true; // only this process holds it
    }
}
