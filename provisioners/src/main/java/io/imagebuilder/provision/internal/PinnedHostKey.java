package io.imagebuilder.provision.internal;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * Trusts the first host key the VM presents and only that key afterwards (a fresh VM has no known_hosts entry,
 * and no user's known_hosts is read or written). Until {@link #confirm()} (first login) a failed attempt may
 * have met another sshd (an installer's), so {@link #forgetUnconfirmed()} drops the key again.
 */
final class PinnedHostKey implements ServerKeyVerifier {

    private PublicKey pinned;
    private boolean confirmed;
    private PublicKey rejected;

    @Override
    public synchronized boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        if (pinned == null) {
            pinned = key;
            return true;
        }
        if (KeyUtils.compareKeys(pinned, key)) {
            return true;
        }
        rejected = key;
        return false;
    }

    synchronized void confirm() {
        confirmed = pinned != null;
    }

    synchronized void forgetUnconfirmed() {
        if (!confirmed) {
            pinned = null;
        }
    }

    /** Non-null when a confirmed pin was contradicted: the message to fail with. */
    synchronized String mismatch(String where) {
        if (rejected == null || !confirmed) {
            return null;
        }
        return "host key of " + where + " changed: pinned " + KeyUtils.getFingerPrint(pinned) + ", now offered "
                + KeyUtils.getFingerPrint(rejected) + "; refusing to connect (is this still the build VM?)";
    }
}
