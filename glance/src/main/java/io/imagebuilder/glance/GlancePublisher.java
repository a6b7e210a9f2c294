package io.imagebuilder.glance;

import io.imagebuilder.BuildListener;
import io.imagebuilder.glance.internal.GlanceAccess;
import io.imagebuilder.glance.internal.GlanceClient;
import io.imagebuilder.glance.internal.ImageRecord;
import io.imagebuilder.glance.internal.KeystoneAuth;
import io.imagebuilder.glance.internal.StreamingUpload;
import io.imagebuilder.pipeline.Cancellation;
import io.imagebuilder.pipeline.SecretMasker;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.spi.PublishTarget.PublishedImage;
import io.imagebuilder.template.Publish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Publishes an image file to Glance v2 like {@code openstack image create --file}: authenticates (in the
 * calling thread, right before the upload), creates the record, streams the file, waits for {@code active},
 * and checks Glance's md5 and sha512 against the ones computed while sending. On any failure, cancellation
 * included, the half-made image is deleted before the error is thrown. A build publishes through
 * {@link GlanceTarget}; usable alone:
 * <pre>new GlancePublisher().publish(file, Publish.named("visa-base"), OpenStackCredentials.fromEnvironment(System.getenv()))</pre>
 */
public final class GlancePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(GlancePublisher.class);

    private final Duration activeTimeout;
    private final Duration cleanupTimeout;

    public GlancePublisher() {
        this(Duration.ofMinutes(10), Duration.ofMinutes(2));
    }

    /**
     * @param activeTimeout  how long to wait for the image to become active after the upload
     * @param cleanupTimeout how long to keep retrying the deletion of a half-made image (Glance may be restarting)
     */
    public GlancePublisher(Duration activeTimeout, Duration cleanupTimeout) {
        this.activeTimeout = activeTimeout;
        this.cleanupTimeout = cleanupTimeout;
    }

    /** Publishes without a build around it: no progress events, no cancellation. */
    public PublishedImage publish(Path image, Publish publish, OpenStackCredentials credentials) {
        StepContext ctx = new StepContext("publish", image.toAbsolutePath().getParent(), BuildListener.NONE,
                new Cancellation(), new SecretMasker());
        return publish(image, publish, credentials, ctx);
    }

    public PublishedImage publish(Path image, Publish publish, OpenStackCredentials credentials, StepContext ctx) {
        if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
            throw new GlancePublishException("read", image + " is not a readable file");
        }
        ctx.cancellation().check();
        maskSecrets(credentials, ctx);
        if (!credentials.connection().verify()) {
            ctx.warn("TLS certificates of " + credentials.authUrl() + " and Glance are not checked (OS_INSECURE or"
                    + " verify: false): anyone on the way can read the token and the image");
        }
        StreamingUpload.prepare(); // meanwhile Keystone and Glance answer
        GlanceAccess access = KeystoneAuth.authenticate(credentials);
        ctx.masker().add(access.token());
        ctx.info("authenticated at Keystone; Glance is " + access.imageEndpoint());
        GlanceClient glance = new GlanceClient(access, () -> {
            ctx.info("Keystone token expired; authenticating again");
            GlanceAccess renewed = KeystoneAuth.authenticate(credentials);
            ctx.masker().add(renewed.token());
            return renewed;
        });

        List<ImageRecord> older = publish.onConflict() == Publish.OnConflict.KEEP_BOTH ? List.of()
                : glance.findByName(publish.imageName());
        checkConflict(publish, older);

        String id = null;
        try {
            id = glance.create(publish).id();
            ctx.info("Glance image " + id + " (" + publish.imageName() + ") created; uploading " + image);
            StreamingUpload.Digests sent = StreamingUpload.put(glance.access(), id, image, ctx);
            ctx.info("uploaded " + sent.size() + " bytes; waiting for Glance to report the image active");
            verify(waitActive(glance, id, ctx), sent);
            if (publish.isProtected()) {
                glance.protect(id); // only now: a protected image could not have been cleaned up
            }
            ctx.info("Glance image " + id + " is active; md5 " + sent.md5() + " matches");
            replaceOlder(glance, older, ctx);
            return new PublishedImage(id, publish.imageName(), sent.md5(), sent.sha512());
        } catch (RuntimeException e) {
            throw cleanUp(glance, id, e, ctx);
        } catch (Error e) { // out of memory, say: the half-made image must still go
            throw cleanUp(glance, id, e, ctx);
        }
    }

    /** Authenticates at Keystone and finds Glance in the catalog; the token is not kept (a build takes long). */
    public void checkCredentials(OpenStackCredentials credentials) {
        KeystoneAuth.authenticate(credentials);
    }

    /** The image of that id if Glance still has it, active and of that name; empty otherwise (404 included). */
    public Optional<PublishedImage> existing(String id, Publish publish, OpenStackCredentials credentials,
                                             StepContext ctx) {
        maskSecrets(credentials, ctx);
        try {
            GlanceAccess access = KeystoneAuth.authenticate(credentials);
            ctx.masker().add(access.token());
            ImageRecord img = new GlanceClient(access, null).get("find", id);
            if ("active".equals(img.status()) && publish.imageName().equals(img.name())) {
                return Optional.of(new PublishedImage(img.id(), img.name(), img.checksum(), img.osHashValue()));
            }
            ctx.info("image " + id + " published before is " + img.status() + ": publishing again");
        } catch (GlancePublishException e) {
            if (e.httpStatus().orElse(0) != 404) {
                ctx.warn("cannot tell whether image " + id + " is still in Glance (" + e.getMessage()
                        + "): publishing again");
            }
        }
        return Optional.empty();
    }

    private static void maskSecrets(OpenStackCredentials credentials, StepContext ctx) {
        credentials.password().ifPresent(ctx.masker()::add);
        credentials.applicationCredentialSecret().ifPresent(ctx.masker()::add);
    }

    private static void checkConflict(Publish publish, List<ImageRecord> older) {
        if (older.isEmpty()) {
            return;
        }
        List<String> ids = older.stream().map(ImageRecord::id).toList();
        if (publish.onConflict() == Publish.OnConflict.FAIL) {
            throw new GlancePublishException("conflict", "Glance already has image(s) named '"
                    + publish.imageName() + "': " + ids + " (on-conflict is fail; use replace or keep-both)");
        }
        List<String> locked = older.stream().filter(ImageRecord::isProtected).map(ImageRecord::id).toList();
        if (!locked.isEmpty()) {
            throw new GlancePublishException("conflict", "cannot replace protected image(s) " + locked
                    + " named '" + publish.imageName() + "': unprotect them or use keep-both");
        }
    }

    private ImageRecord waitActive(GlanceClient glance, String id, StepContext ctx) {
        long deadline = System.nanoTime() + activeTimeout.toNanos();
        while (true) {
            ImageRecord img = glance.get("wait", id);
            switch (img.status()) {
                case "active":
                    return img;
                case "killed", "deleted", "pending_delete", "deactivated":
                    throw new GlancePublishException("wait", "image " + id + " became " + img.status());
                default:
                    if (System.nanoTime() > deadline) {
                        throw new GlancePublishException("wait", "image " + id + " still " + img.status()
                                + " after " + activeTimeout.toSeconds() + " s");
                    }
                    ctx.cancellation().sleep(Duration.ofMillis(500));
            }
        }
    }

    private static void verify(ImageRecord img, StreamingUpload.Digests sent) {
        if (img.size() != sent.size()) {
            throw new GlancePublishException("verify", "Glance stored " + img.size() + " bytes, we sent " + sent.size());
        }
        if (!sent.md5().equals(img.checksum())) {
            throw new GlancePublishException("verify", "Glance's md5 " + img.checksum() + " differs from ours " + sent.md5());
        }
        if ("sha512".equals(img.osHashAlgo()) && !sent.sha512().equals(img.osHashValue())) {
            throw new GlancePublishException("verify", "Glance's sha512 differs from ours");
        }
    }

    /** REPLACE: the new image is active and verified; only now remove the older ones of that name. */
    private static void replaceOlder(GlanceClient glance, List<ImageRecord> older, StepContext ctx) {
        for (ImageRecord old : older) {
            try {
                glance.delete("replace", old.id());
                ctx.info("deleted older image " + old.id() + " of the same name");
            } catch (GlancePublishException e) {
                ctx.warn("published, but could not delete older image " + old.id() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Deletes the half-made image, retrying while Glance is unreachable (it may be restarting), and returns
     * the exception to throw: the original, with a note if the image could not be deleted.
     */
    private <T extends Throwable> T cleanUp(GlanceClient glance, String id, T failure, StepContext ctx) {
        if (id == null) {
            return failure;
        }
        boolean interrupted = Thread.interrupted(); // a cancelled build must still clean up
        String problem = null;
        long deadline = System.nanoTime() + cleanupTimeout.toNanos();
        try {
            while (true) {
                try {
                    glance.delete("cleanup", id);
                    problem = null;
                    break;
                } catch (GlancePublishException e) {
                    if (e.httpStatus().orElse(0) == 404) {
                        problem = null;
                        break;
                    }
                    problem = e.getMessage();
                    int status = e.httpStatus().orElse(503);
                    if (status < 500 || System.nanoTime() > deadline) {
                        break; // Glance refused (4xx): retrying won't help
                    }
                    LOG.debug("Glance unreachable or failing while deleting {}; retrying", id);
                    sleepQuietly();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (problem == null) {
            ctx.info("deleted half-made image " + id + " after failure");
            return failure;
        }
        String note = "; the half-made image " + id + " could NOT be deleted (" + problem + "): delete it by hand";
        ctx.warn(note.substring(2));
        if (failure instanceof GlancePublishException g) {
            @SuppressWarnings("unchecked") // a GlancePublishException is what was thrown
            T noted = (T) g.withNote(note);
            return noted;
        }
        failure.addSuppressed(new GlancePublishException("cleanup", note.substring(2)));
        return failure;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
