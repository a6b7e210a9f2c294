package io.imagebuilder.internal.steps;

import io.imagebuilder.BuildResult;
import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.Key;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.HostSystem;
import io.imagebuilder.spi.MachineInstance;
import io.imagebuilder.spi.PublishTarget;

import java.nio.file.Path;

/** The typed state the steps of one stage hand to each other, each with the step that puts it. */
public final class BuildKeys {

    /** The ISO or source disk image as a local file: fetch-source. */
    public static final Key<Path> SOURCE_FILE = Key.of("source-file", Path.class);
    /** The key the build logs in with: create-ssh-key, or parent-build-key for a child stage. */
    public static final Key<GuestAccess.TemporaryKey> SSH_KEY = Key.of("ssh-key", GuestAccess.TemporaryKey.class);
    /** The server of the template's http files: http-server. */
    public static final Key<HttpFileServer> HTTP_SERVER = Key.of("http-server", HttpFileServer.class);
    /** The build VM's disk in the work folder: create-disk or bootstrap-disk. */
    public static final Key<Path> DISK = Key.of("disk", Path.class);
    /** The running build VM: start-vm. */
    public static final Key<MachineInstance> MACHINE = Key.of("machine", MachineInstance.class);
    /** The stage's disk opened on this host for the chroot executor: mount-disk (closed by unmount-disk). */
    public static final Key<HostSystem> HOST_SYSTEM = Key.of("host-system", HostSystem.class);
    /** The session provisioners run in: wait-for-ssh, or mount-disk for the chroot executor. */
    public static final Key<GuestSession> SESSION = Key.of("ssh-session", GuestSession.class);
    /** The finished image: convert. */
    public static final Key<BuildResult.StageResult> OUTPUT = Key.of("output", BuildResult.StageResult.class);
    /** The image as the publish target has it: publish. */
    public static final Key<PublishTarget.PublishedImage> PUBLISHED =
            Key.of("published", PublishTarget.PublishedImage.class);

    private BuildKeys() {
    }
}
