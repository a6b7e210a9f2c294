package io.imagebuilder.provision.visa.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * VISA's readiness: the owner exists (the boot command ran), the PAM key from the metadata is in place, and the
 * ports VISA connects to accept a TCP connection on the instance's own address within 5 s: guacd and RDP for
 * the desktop, 8888 for JupyterLab. Checked from inside the guest: through QEMU's user network a forwarded port
 * accepts connections before anything listens behind it.
 */
final class Readiness {

    private Readiness() {
    }

    static String check(VerifyInstance vm, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        String owner = vm.spec.owner();
        // the owner script creates the owner, then writes the key: wait for both
        if (!vm.await("id " + owner + " && test -s /etc/visa/public.pem", limit)) {
            throw new VisaImageVerifier.CheckFailed("the owner " + owner + " and /etc/visa/public.pem were not"
                    + " both there within "
                    + limit.toSeconds() + " s (the owner boot script, run by cloud-init)" + vm.logTail(15,
                    "/var/log/cloud-init-output.log") + "\n--- serial console:\n"
                    + String.join("\n", vm.serialTail(15)));
        }
        String pem = VisaToken.publicKeyPem(vm.pamKeys.getPublic()).strip();
        String inGuest = "";
        for (int i = 0; i < 3 && !inGuest.equals(pem); i++) { // the owner script and runcmd may both write it
            if (i > 0) {
                Thread.sleep(2000);
            }
            inGuest = vm.run("cat /etc/visa/public.pem").output().strip();
        }
        if (!inGuest.equals(pem)) {
            throw new VisaImageVerifier.CheckFailed("/etc/visa/public.pem is not meta.pamPublicKey: "
                    + (inGuest.isEmpty() ? "missing" : "it has " + firstDifference(pem, inGuest)));
        }
        String ip = vm.guestIp();
        List<Integer> ports = new ArrayList<>();
        if (vm.spec.desktop()) {
            ports.add(VerifyInstance.GUACD_PORT);
            ports.add(VerifyInstance.RDP_PORT);
        }
        if (vm.spec.jupyterLab()) {
            ports.add(VerifyInstance.JUPYTER_PORT);
        }
        for (int port : ports) {
            Duration left = limit.minusNanos(System.nanoTime() - t0);
            if (!vm.await("timeout 5 bash -c '</dev/tcp/" + ip + "/" + port + "'", left.isNegative() ? Duration.ZERO
                    : left)) {
                throw new VisaImageVerifier.CheckFailed("nothing accepts connections on " + ip + ":" + port
                        + vm.logTail(15, "/var/log/xrdp.log", "/var/log/jupyterlab.log") + journal(vm));
            }
        }
        return "owner " + owner + " created, PAM key from the metadata, " + ip + " ports " + ports + " open after "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s";
    }

    /** Where two texts part, for a message: public keys only, never secrets. */
    static String firstDifference(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            if (!e.get(i).equals(a.get(i))) {
                return "line " + (i + 1) + " '" + a.get(i) + "' where '" + e.get(i) + "' was expected";
            }
        }
        return a.size() + " lines where " + e.size() + " were expected";
    }

    static String journal(VerifyInstance vm) {
        try {
            return "\n--- journal (guacd, xrdp, supervisor):\n" + vm.run("journalctl -q --no-pager -n 20"
                    + " -u guacd -u xrdp -u xrdp-sesman -u supervisor 2>/dev/null").output();
        } catch (Exception e) {
            return "";
        }
    }
}
