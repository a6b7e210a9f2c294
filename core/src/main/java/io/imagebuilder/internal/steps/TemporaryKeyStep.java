package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;

/** Makes the build's own ed25519 key pair; its public key is offered to the preseed as {{ .SSHPublicKey }}. */
final class TemporaryKeyStep implements Step {

    private final GuestAccess guest;

    TemporaryKeyStep(GuestAccess guest) {
        this.guest = guest;
    }

    @Override
    public String name() {
        return "create-ssh-key";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        ctx.put(BuildKeys.SSH_KEY, guest.createTemporaryKey(ctx.workDir()));
    }
}
