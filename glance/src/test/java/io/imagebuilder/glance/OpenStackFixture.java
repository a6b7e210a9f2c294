package io.imagebuilder.glance;

import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.glance.internal.GlanceAccess;
import io.imagebuilder.glance.internal.GlanceClient;
import io.imagebuilder.glance.internal.ImageRecord;
import io.imagebuilder.glance.internal.KeystoneAuth;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real Keystone + Glance of scripts/openstack-start.sh, started if needed, and a few checks on it. */
final class OpenStackFixture {

    static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private OpenStackFixture() {
    }

    static Path state() {
        String s = System.getenv("IMAGEBUILDER_OPENSTACK_STATE");
        return s != null ? Path.of(s) : Path.of(System.getProperty("user.home"), ".cache/imagebuilder/openstack");
    }

    static synchronized void ensureRunning() {
        run("openstack-start.sh");
    }

    static void stopGlance() {
        run("openstack-stop.sh", "glance");
    }

    static void run(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(SCRIPTS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(script + " failed with exit code " + p.exitValue() + ":\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** STATE/openrc's variables, as an openrc sourced into the environment would give them. */
    static Map<String, String> openrc() {
        Map<String, String> env = new HashMap<>();
        try {
            for (String line : Files.readAllLines(state().resolve("openrc"))) {
                if (line.startsWith("export ")) {
                    String[] kv = line.substring(7).split("=", 2);
                    env.put(kv[0], kv[1].replaceAll("^'|'$", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return env;
    }

    static OpenStackCredentials credentials() {
        return OpenStackCredentials.fromEnvironment(openrc());
    }

    static GlanceAccess access() {
        return KeystoneAuth.authenticate(credentials());
    }

    static GlanceClient glance() {
        return new GlanceClient(access(), null);
    }

    static List<ImageRecord> imagesNamed(String name) {
        return glance().findByName(name);
    }

    /** Removes test images of that name (unprotecting them first). */
    static void deleteAll(String name) {
        GlanceAccess a = access();
        GlanceClient g = new GlanceClient(a, null);
        for (ImageRecord r : g.findByName(name)) {
            if (r.isProtected()) {
                send(a, "PATCH", "images/" + r.id(), "[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":false}]");
            }
            g.delete("test-cleanup", r.id());
        }
    }

    static HttpResponse<String> send(GlanceAccess a, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(a.v2(path)).header("X-Auth-Token", a.token().reveal())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/openstack-images-v2.1-json-patch");
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static InputStream download(String id) throws IOException, InterruptedException {
        GlanceAccess a = access();
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(a.v2("images/" + id + "/file"))
                .header("X-Auth-Token", a.token().reveal()).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IOException("download of " + id + ": HTTP " + r.statusCode());
        }
        return r.body();
    }
}
