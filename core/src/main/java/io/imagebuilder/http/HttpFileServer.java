package io.imagebuilder.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Serves a template's {@code http/} folder and generated files (a rendered preseed...) to the installer in the
 * guest. Under QEMU user networking the guest reaches the host's 127.0.0.1 as 10.0.2.2, so binding to loopback
 * is enough and nothing is exposed to the network. Read-only: GET and HEAD, no directory listings, no path that
 * leaves the folder (symlinks included). Every request is recorded ({@link #requests()},
 * {@link #awaitRequest}) and reported to a log callback.
 */
public final class HttpFileServer implements AutoCloseable {

    /** Packer's {@code http_port_min}/{@code http_port_max}. */
    public static final int DEFAULT_PORT_MIN = 8000;
    public static final int DEFAULT_PORT_MAX = 9000;

    /** One request the server answered. */
    public record Request(String method, String path, int status, long bytes) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final Map<String, byte[]> generated;
    private final Consumer<String> log;
    private final List<Request> requests = new ArrayList<>();

    private HttpFileServer(HttpServer server, ExecutorService executor, Path root, Map<String, byte[]> generated,
                           Consumer<String> log) {
        this.server = server;
        this.executor = executor;
        this.root = root;
        this.generated = generated;
        this.log = log;
    }

    /**
     * Starts serving on {@code bindAddress} at the first free port in [portMin, portMax].
     *
     * @param root      folder to serve, or null for generated content only
     * @param generated extra files by path ({@code preseed.cfg}), served before files of {@code root}
     */
    public static HttpFileServer start(InetAddress bindAddress, int portMin, int portMax, Path root,
                                       Map<String, byte[]> generated, Consumer<String> log) throws IOException {
        if (portMin < 0 || portMax < portMin || portMax > 65535) {
            throw new IllegalArgumentException("bad port range " + portMin + "-" + portMax);
        }
        Path realRoot = root == null ? null : root.toRealPath();
        if (realRoot != null && !Files.isDirectory(realRoot)) {
            throw new IOException("HTTP directory " + root + " is not a folder");
        }
        Map<String, byte[]> files = new java.util.concurrent.ConcurrentHashMap<>(generated);
        for (int port = portMin; port <= portMax; port++) {
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
            } catch (BindException taken) {
                continue;
            }
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "http-file-server");
                t.setDaemon(true);
                return t;
            });
            HttpFileServer fs = new HttpFileServer(server, executor, realRoot, files, log);
            server.createContext("/", fs::handle);
            server.setExecutor(executor);
            server.start();
            log.accept("HTTP server serving " + (realRoot == null ? "generated files" : realRoot)
                    + " on http://" + bindAddress.getHostAddress() + ":" + port + "/");
            return fs;
        }
        throw new IOException("no free port for the HTTP server in " + portMin + "-" + portMax + " on "
                + bindAddress.getHostAddress());
    }

    /** Starts on 127.0.0.1 in Packer's port range. */
    public static HttpFileServer startOnLoopback(Path root, Map<String, byte[]> generated, Consumer<String> log)
            throws IOException {
        return start(InetAddress.getLoopbackAddress(), DEFAULT_PORT_MIN, DEFAULT_PORT_MAX, root, generated, log);
    }

    /** Adds or replaces a generated file, e.g. a preseed rendered once the port is known. */
    public void serve(String path, byte[] content) {
        generated.put(path.startsWith("/") ? path.substring(1) : path, content.clone());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String hostAddress() {
        return server.getAddress().getAddress().getHostAddress();
    }

    /** Requests answered so far, oldest first. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Waits until a GET for {@code path} was answered with 200 ("the installer fetched preseed.cfg"). */
    public Optional<Request> awaitRequest(String path, Duration timeout) throws InterruptedException {
        String wanted = path.startsWith("/") ? path : "/" + path;
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (true) {
                for (Request r : requests) {
                    if (r.path().equals(wanted) && r.status() == 200) {
                        return Optional.of(r);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                requests.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Answers one request. It is recorded before the body is sent, so a client that has its answer always
     * finds its request in {@link #requests()}.
     */
    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath(); // decoded: %2e%2e arrives as ..
        try (exchange) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                record(new Request(method, path, 405, 0));
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Resolved r = resolve(path);
            boolean head = method.equals("HEAD");
            if (r.status != 200) {
                record(new Request(method, path, r.status, 0));
                byte[] body = (r.status + " " + r.reason + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(r.status, head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
                return;
            }
            long bytes = r.length();
            record(new Request(method, path, 200, bytes));
            exchange.getResponseHeaders().add("Content-Type", contentType(path));
            exchange.sendResponseHeaders(200, head ? -1 : (bytes == 0 ? -1 : bytes));
            if (!head) {
                try (OutputStream out = exchange.getResponseBody(); InputStream in = r.open()) {
                    in.transferTo(out);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.accept("HTTP " + method + " " + path + " failed: " + e.getMessage());
        }
    }

    private void record(Request r) {
        log.accept("HTTP " + r.method() + " " + r.path() + " -> " + r.status()
                + (r.status() == 200 ? " (" + r.bytes() + " bytes)" : ""));
        synchronized (requests) {
            requests.add(r);
            requests.notifyAll();
        }
    }

    /** What a path maps to: generated bytes, a file under the root, or an error status. */
    private record Resolved(int status, String reason, byte[] content, Path file) {
        long length() throws IOException {
            return content != null ? content.length : Files.size(file);
        }

        InputStream open() throws IOException {
            return content != null ? new java.io.ByteArrayInputStream(content) : Files.newInputStream(file);
        }
    }

    private Resolved resolve(String path) throws IOException {
        if (path == null || !path.startsWith("/") || path.contains("\0")) {
            return new Resolved(400, "Bad Request", null, null);
        }
        String relative = path.substring(1);
        byte[] content = generated.get(relative);
        if (content != null) {
            return new Resolved(200, "OK", content, null);
        }
        if (root == null || relative.isEmpty()) {
            return new Resolved(404, "Not Found", null, null);
        }
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            return new Resolved(403, "Forbidden", null, null);
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !Files.exists(candidate)) {
            return new Resolved(404, "Not Found", null, null);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            return new Resolved(404, "Not Found", null, null);
        }
        if (!real.startsWith(root)) { // a symlink that points outside the folder
            return new Resolved(403, "Forbidden", null, null);
        }
        if (Files.isDirectory(real)) { // no listings
            return new Resolved(403, "Forbidden", null, null);
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            return new Resolved(404, "Not Found", null, null);
        }
        return new Resolved(200, "OK", null, real);
    }

    private static String contentType(String path) {
        if (path.endsWith(".cfg") || path.endsWith(".txt") || path.endsWith(".sh") || path.endsWith(".seed")
                || path.endsWith(".yml") || path.endsWith(".yaml") || path.endsWith("user-data")
                || path.endsWith("meta-data")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
