package io.imagebuilder.cli;

import io.imagebuilder.OpenStackCredentials;
import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.glance.GlancePublisher;
import io.imagebuilder.template.Publish;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run once per build by {@code build-image} under {@code -XX:ArchiveClassesAtExit}, so that later commands map
 * the classes they load from that archive instead of reading and verifying them again (JDK class data sharing:
 * a third of a publish's start-up). It loads what commands load: picocli and the templates (a plan of the
 * bundled templates), openstack4j, okhttp and Jackson (a publish to a Keystone that is not there: a closed
 * loopback port, so nothing leaves the machine).
 */
public final class StartupTraining {

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        BuildImage.run("plan");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path file = Files.createTempFile("imagebuilder-training", ".raw");
        try {
            new GlancePublisher().publish(file, Publish.named("training"), OpenStackCredentials.fromEnvironment(
                    Map.of("OS_AUTH_URL", "http://127.0.0.1:" + closedPort + "/v3", "OS_USERNAME", "training",
                            "OS_PASSWORD", "training", "OS_PROJECT_NAME", "training")));
        } catch (GlancePublishException expected) {
            System.out.println("training publish ended as expected: " + expected.getMessage());
        } finally {
            Files.delete(file);
        }
    }
}
