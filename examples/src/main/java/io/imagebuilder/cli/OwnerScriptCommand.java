package io.imagebuilder.cli;

import io.imagebuilder.provision.visa.OwnerBootScriptProvisioner;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Prints the VISA cloud-init owner script, to paste into the VISA admin UI's boot script field. */
@Command(name = "owner-script", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the cloud-init script that creates the instance owner (from the instance's"
                + " metadata meta.owner) and writes the VISA PAM public key (meta.pamPublicKey) to"
                + " /etc/visa/public.pem; the owner-boot-script provisioner installs the same script.")
final class OwnerScriptCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(OwnerBootScriptProvisioner.script());
        return BuildImage.OK;
    }
}
