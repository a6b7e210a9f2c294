package io.imagebuilder.internal.steps;

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

    HttpServerStep(ImageTemplate template) {
        this.template = template;
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
        Map<String, String> values = values(ctx, template.name());
        template.httpContent().forEach((path, content) ->
                server.serve(path, BuildValues.substitute(content, values).getBytes(StandardCharsets.UTF_8)));
        ctx.info("serving http files at http://" + BuildValues.GUEST_VIEW_OF_HOST + ":" + server.port()
                + "/ (guest view of 127.0.0.1:" + server.port() + ")");
    }

    /**
     * The build-time values a boot command or an HTTP file may use. {@code .Name} is the image's name, as
     * Packer's is its vm_name (a hostname in many preseeds), not the libvirt domain's unique name.
     */
    static Map<String, String> values(StepContext ctx, String imageName) {
        String publicKey = ctx.get(BuildKeys.SSH_KEY).map(k -> k.publicKeyLine()).orElse("");
        return Map.of("HTTPIP", BuildValues.GUEST_VIEW_OF_HOST,
                "HTTPPort", ctx.get(BuildKeys.HTTP_SERVER).map(s -> String.valueOf(s.port())).orElse(""),
                "Name", imageName,
                "SSHPublicKey", publicKey);
    }

    @Override
    public void cleanup(StepContext ctx) {
        ctx.remove(BuildKeys.HTTP_SERVER).ifPresent(HttpFileServer::close);
    }

    @Override
    public boolean cleansUpOnAbort() {
        return true; // only this process holds it
    }
}
