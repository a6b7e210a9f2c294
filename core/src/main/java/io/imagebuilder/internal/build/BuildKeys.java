package io.imagebuilder.internal.build;

import io.imagebuilder.BuildResult;
import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.Key;
import io.imagebuilder.spi.GuestAccess;
import io.imagebuilder.spi.GuestSession;
import io.imagebuilder.spi.ImagePublisher;
import io.imagebuilder.spi.MachineInstance;

import java.nio.file.Path;

/** The typed state the steps of one stage hand to each other. */
final class BuildKeys {

    static final Key<Path> SOURCE_FILE = Key.of("source-file", Path.class);
    static final Key<GuestAccess.TemporaryKey> SSH_KEY = Key.of("ssh-key", GuestAccess.TemporaryKey.class);
    static final Key<HttpFileServer> HTTP_SERVER = Key.of("http-server", HttpFileServer.class);
    static final Key<Path> DISK = Key.of("disk", Path.class);
    static final Key<MachineInstance> MACHINE = Key.of("machine", MachineInstance.class);
    static final Key<GuestSession> SESSION = Key.of("ssh-session", GuestSession.class);
    static final Key<BuildResult.StageResult> OUTPUT = Key.of("output", BuildResult.StageResult.class);
    static final Key<ImagePublisher.PublishedImage> PUBLISHED = Key.of("published", ImagePublisher.PublishedImage.class);

    private BuildKeys() {
    }
}
