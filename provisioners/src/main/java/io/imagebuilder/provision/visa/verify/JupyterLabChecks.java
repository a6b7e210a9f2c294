package io.imagebuilder.provision.visa.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * JupyterLab as VISA's proxy reaches it: {@code /jupyter/{id}/} on port 8888 without a token (the proxy has
 * authenticated the user), the lab page, the kernel specs, the owner's home as the contents root, and a kernel
 * that runs {@code 1+1} over its websocket channel. Requests carry the {@code _xsrf} cookie as a browser does.
 */
final class JupyterLabChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "visa-verify.txt";

    private final VerifyInstance vm;
    private final String base;
    private final HttpClient http;
    private final CookieManager cookies = new CookieManager();

    JupyterLabChecks(VerifyInstance vm) {
        this.vm = vm;
        this.base = "http://" + vm.host() + ":" + vm.forwardedPort(VerifyInstance.JUPYTER_PORT) + "/jupyter/"
                + vm.instanceId + "/";
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10))
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** The lab page, the kernel specs and the contents root. */
    String lab(Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        HttpResponse<String> page;
        while (true) {
            page = get("lab");
            if (page.statusCode() == 200 || System.nanoTime() > end) {
                break;
            }
            Thread.sleep(3000);
        }
        if (page.statusCode() != 200) {
            throw new VisaImageVerifier.CheckFailed("GET " + base + "lab answered " + page.statusCode()
                    + vm.logTail(20, "/var/log/jupyterlab.log"));
        }
        JsonNode specs = json(get("api/kernelspecs"), "api/kernelspecs").path("kernelspecs");
        List<String> names = new ArrayList<>();
        specs.fieldNames().forEachRemaining(names::add);
        List<String> missing = vm.spec.kernels().stream().filter(k -> !names.contains(k)).toList();
        if (names.isEmpty() || !missing.isEmpty()) {
            throw new VisaImageVerifier.CheckFailed("kernel specs " + names + " lack " + (names.isEmpty() ? "any"
                    : missing));
        }
        String owner = vm.spec.owner();
        vm.sh("runuser -u " + owner + " -- sh -c 'echo verified > \"$HOME/" + MARKER + "\"'");
        JsonNode contents = json(get("api/contents"), "api/contents").path("content");
        boolean found = false;
        for (JsonNode item : contents) {
            found |= MARKER.equals(item.path("name").asText());
        }
        if (!found) {
            throw new VisaImageVerifier.CheckFailed("api/contents does not show " + owner + "'s home (no " + MARKER
                    + " among " + contents.size() + " entries)");
        }
        return "lab 200 at " + base.substring(base.indexOf("/jupyter/")) + "lab, kernels " + names
                + ", contents root is " + owner + "'s home";
    }

    /** Starts the first listed kernel (or the default one), runs 1+1 over the websocket, shuts it down. */
    String kernel() throws Exception {
        String name = vm.spec.kernels().isEmpty() ? json(get("api/kernelspecs"), "api/kernelspecs")
                .path("default").asText() : vm.spec.kernels().get(0);
        JsonNode started = json(send("POST", "api/kernels", "{\"name\":\"" + name + "\"}"), "POST api/kernels");
        String id = started.path("id").asText();
        long t0 = System.nanoTime();
        try {
            String result = execute(id, "1+1", Duration.ofMinutes(3));
            if (!"2".equals(result)) {
                throw new VisaImageVerifier.CheckFailed("kernel " + name + " answered '" + result + "' to 1+1");
            }
            return "kernel " + name + " ran 1+1 = 2 over its websocket in "
                    + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s";
        } finally {
            send("DELETE", "api/kernels/" + id, null);
        }
    }

    private String execute(String kernelId, String code, Duration limit) throws Exception {
        String session = UUID.randomUUID().toString();
        String msgId = UUID.randomUUID().toString();
        CompletableFuture<String> result = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    onMessage(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            private void onMessage(String message) {
                try {
                    JsonNode m = JSON.readTree(message);
                    if (!msgId.equals(m.path("parent_header").path("msg_id").asText())) {
                        return;
                    }
                    String type = m.path("header").path("msg_type").asText();
                    if (type.equals("execute_result")) {
                        result.complete(m.path("content").path("data").path("text/plain").asText());
                    } else if (type.equals("error")) {
                        result.complete("error: " + m.path("content").path("ename").asText() + ": "
                                + m.path("content").path("evalue").asText());
                    }
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                result.completeExceptionally(error);
            }
        };
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "api/kernels/" + kernelId + "/channels?session_id="
                + session);
        WebSocket socket = http.newWebSocketBuilder().header("Cookie", cookieHeader())
                .buildAsync(ws, listener).get(30, TimeUnit.SECONDS);
        try {
            socket.sendText(executeRequest(msgId, session, code), true).get(30, TimeUnit.SECONDS);
            return result.get(limit.toSeconds(), TimeUnit.SECONDS);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    private static String executeRequest(String msgId, String session, String code) {
        ObjectNode m = JSON.createObjectNode();
        ObjectNode header = m.putObject("header");
        header.put("msg_id", msgId).put("username", "visa").put("session", session)
                .put("msg_type", "execute_request").put("version", "5.3").put("date", Instant.now().toString());
        m.putObject("parent_header");
        m.putObject("metadata");
        ObjectNode content = m.putObject("content");
        content.put("code", code).put("silent", false).put("store_history", false).put("allow_stdin", false)
                .put("stop_on_error", true).putObject("user_expressions");
        m.put("channel", "shell");
        m.putArray("buffers");
        return m.toString();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        xsrf().ifPresent(t -> b.header("X-XSRFToken", t));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private java.util.Optional<String> xsrf() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("_xsrf"))
                .map(HttpCookie::getValue).findFirst();
    }

    private String cookieHeader() {
        StringBuilder b = new StringBuilder();
        Iterator<HttpCookie> it = cookies.getCookieStore().getCookies().iterator();
        while (it.hasNext()) {
            HttpCookie c = it.next();
            b.append(c.getName()).append('=').append(c.getValue()).append(it.hasNext() ? "; " : "");
        }
        return b.toString();
    }

    private static JsonNode json(HttpResponse<String> r, String what) throws Exception {
        if (r.statusCode() / 100 != 2) {
            throw new VisaImageVerifier.CheckFailed(what + " answered " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(300, r.body().length())));
        }
        return JSON.readTree(r.body());
    }
}
