package io.imagebuilder.internal.steps;

import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.GuestAccess;

/**
 * Readies the last image of a chain for the VMs that will start from it, just before shutdown:
 * <ul>
 * <li>removes the build key from the login user's authorized_keys (else every VM accepts whoever holds it);
 * <li>forgets cloud-init's instance state (as {@code cloud-init clean} does, but keeping
 *     /var/lib/cloud/scripts, where boot scripts such as VISA's owner script live), so the first boot in the
 *     cloud runs as a new instance with its metadata instead of the build's cached "no datasource";
 * <li>empties /etc/machine-id, so each VM gets its own.
 * </ul>
 * Intermediate images keep all of this, so the stages built on them can log in.
 */
final class SealImageStep implements Step {

    @Override
    public String name() {
        return "seal-image";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        StringBuilder script = new StringBuilder();
        GuestAccess.TemporaryKey key = ctx.get(BuildKeys.SSH_KEY).orElse(GuestAccess.TemporaryKey.NONE);
        String[] parts = key.publicKeyLine().trim().split("\\s+");
        if (key.privateKey() != null && parts.length >= 2) {
            String blob = parts[1]; // base64 only, so no quote can break the command
            if (!blob.matches("[A-Za-z0-9+/=]+")) {
                throw new IllegalStateException("unexpected public key format");
            }
            script.append("f=\"$HOME/.ssh/authorized_keys\"; if [ -f \"$f\" ]; then grep -vF '").append(blob)
                    .append("' \"$f\" > \"$f.new\" || true; cat \"$f.new\" > \"$f\"; rm -f \"$f.new\"; fi; ");
        }
        script.append("s=; [ \"$(id -u)\" = 0 ] || s='sudo -n'; ")
                .append("$s rm -rf /var/lib/cloud/instance /var/lib/cloud/instances /var/lib/cloud/data")
                .append(" /var/lib/cloud/sem /var/log/cloud-init.log /var/log/cloud-init-output.log; ")
                .append("if [ -f /etc/machine-id ]; then $s truncate -s 0 /etc/machine-id; fi");
        int exit = ctx.require(BuildKeys.SESSION).run(script.toString(), "seal-image", ctx);
        if (exit != 0) {
            throw new IllegalStateException("sealing the image failed (exit " + exit + ")");
        }
        ctx.info("sealed the image: build key removed, cloud-init instance state cleared, machine-id emptied");
    }
}
