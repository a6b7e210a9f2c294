package io.imagebuilder.internal.build;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;

/**
 * The last image of a chain must not let the build key in: every VM started from it would otherwise accept
 * whoever holds the key. Removes it from the login user's authorized_keys just before shutdown (the session
 * stays open until then). Intermediate images keep it, so the stages built on them can log in.
 */
final class RevokeBuildKeyStep implements Step {

    @Override
    public String name() {
        return "revoke-build-key";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        GuestAccess.TemporaryKey key = ctx.get(BuildKeys.SSH_KEY).orElse(GuestAccess.TemporaryKey.NONE);
        String[] parts = key.publicKeyLine().trim().split("\\s+");
        if (key.privateKey() == null || parts.length < 2) {
            return;
        }
        String blob = parts[1]; // base64 only: no quote can break the command
        if (!blob.matches("[A-Za-z0-9+/=]+")) {
            throw new IllegalStateException("unexpected public key format");
        }
        int exit = ctx.require(BuildKeys.SESSION).run("f=\"$HOME/.ssh/authorized_keys\"; if [ -f \"$f\" ]; then"
                + " grep -vF '" + blob + "' \"$f\" > \"$f.new\" || true; cat \"$f.new\" > \"$f\"; rm -f \"$f.new\"; fi",
                "revoke-build-key", ctx);
        if (exit != 0) {
            throw new IllegalStateException("could not remove the build key from authorized_keys (exit " + exit + ")");
        }
        ctx.info("removed the build key from the image's authorized_keys");
    }
}
