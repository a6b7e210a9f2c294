package io.imagebuilder.internal.build;

import io.imagebuilder.BuildEvent;
import io.imagebuilder.http.HttpFileServer;
import io.imagebuilder.pipeline.Step;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.ImageTemplate;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the template's http/ folder and its rendered files to the installer, on loopback (the guest sees it
 * as 10.0.2.2). Build-time values in the rendered files are filled in once the port is known.
 */
final class HttpServerStep implements Step {

    private final ImageTemplate template;
    private final String vmName;

    HttpServerStep(ImageTemplate template, String vmName) {
        this.template = template;
        this.vmName = vmName;
    }

    @Override
    public String name() {
        return "http-server";
    }

    @Override
    public void run(StepContext ctx) throws Exception {
        HttpFileServer server = HttpFileServer.startOnLoopback(template.httpDirectory().orElse(null), Map.of(),
                line -> ctx.log(BuildEvent.Level.DEBUG, line));
        ctx.put(BuildKeys.HTTP_SERVER, server);
        Map<String, String> values = values(ctx, server, vmName);
        template.httpContent().forEach((path, content) ->
                server.serve(path, BuildValues.substitute(content, values).getBytes(StandardCharsets.UTF_8)));
        ctx.info("serving http files at http://" + BuildValues.GUEST_VIEW_OF_HOST + ":" + server.port()
                + "/ (guest view of 127.0.0.1:" + server.port() + ")");
    }

    /** The build-time values a boot command or an HTTP file may use. */
    static Map<String, String> values(StepContext ctx, HttpFileServer server, String vmName) {
        String publicKey = ctx.get(BuildKeys.SSH_KEY).map(k -> k.publicKeyLine()).orElse("");
        return Map.of("HTTPIP", BuildValues.GUEST_VIEW_OF_HOST,
                "HTTPPort", server == null ? "" : String.valueOf(server.port()),
                "Name", vmName,
                "SSHPublicKey", publicKey);
    }

    @Override
    public void cleanup(StepContext ctx) {
        ctx.remove(BuildKeys.HTTP_SERVER).ifPresent(HttpFileServer::close);
    }
}
