package io.imagebuilder.provision;

import io.imagebuilder.BuildListener;
import io.imagebuilder.internal.provision.Provisioners;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.provision.internal.SshGuestSession;
import io.imagebuilder.spi.GuestAccess.TemporaryKey;
import io.imagebuilder.template.Communicator;
import io.imagebuilder.template.Location;
import io.imagebuilder.template.ProvisionerSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Run by bench/upload-dir: logs in with a key and uploads a directory tree with the file provisioner, printing
 * {@code ours_seconds=X} (login + upload, measured inside the JVM) and the negotiated cipher.
 * Args: host port privateKey localDir remoteDir
 */
public final class UploadDirBench {

    private UploadDirBench() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path key = Path.of(args[2]);
        Path localDir = Path.of(args[3]);
        String remoteDir = args[4];
        Path work = Files.createTempDirectory("ib-bench-");
        StepContext ctx = new StepContext("bench", work, BuildListener.NONE, new Cancellation(), new SecretMasker());
        Communicator comm = new Communicator("root", Optional.empty(), Optional.of(key), port,
                Duration.ofMinutes(3), false);
        long start = System.nanoTime();
        try (SshGuestSession s = SshGuestSession.open(host, port, comm, TemporaryKey.NONE, List::of, ctx)) {
            long connected = System.nanoTime();
            // the file provisioner, as a template's "file: {source: tree/, destination: ...}" runs it
            Provisioners.run(new ProvisionerSpec.FileUpload(Location.UNKNOWN, "file[1]", localDir,
                    remoteDir, true, ProvisionerSpec.Common.defaults()), s, ctx);
            long end = System.nanoTime();
            System.out.printf("cipher=%s%nlogin_seconds=%.2f%nours_seconds=%.2f%n", s.cipher(),
                    (connected - start) / 1e9, (end - start) / 1e9);
        } finally {
            Files.deleteIfExists(work);
        }
    }
}
