package io.imagebuilder.glance.internal;

import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.core.transport.ExecutionOptions;
import org.openstack4j.core.transport.HttpEntityHandler;
import org.openstack4j.core.transport.HttpExecutorService;
import org.openstack4j.core.transport.HttpRequest;
import org.openstack4j.core.transport.HttpResponse;
import org.openstack4j.core.transport.ObjectMapperSingleton;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * openstack4j's transport (registered for its ServiceLoader) over {@link Http}: the JDK's HttpURLConnection,
 * which our Glance requests use anyway. openstack4j's okhttp connector built an okhttp client and a TLS context
 * (the JDK's trust store) at the first request, even for an http:// Keystone, which every publish's start-up
 * waited for. Only JSON requests: openstack4j never carries image data here ({@link StreamingUpload}
 * does), and a 401 is handed back as it is (GlanceClient authenticates again itself). TLS trust and proxies are
 * the {@link Transport} of the authentication in progress, as for every other request of ours; openstack4j's
 * {@code Config} is not read.
 */
public final class JdkHttpConnector implements HttpExecutorService {

    /** openstack4j marks its authentication requests with this header; it is not meant for the server. */
    private static final String AUTH_COMMAND_HEADER = "OS4J-Auth-Command";

    @Override
    public <R> HttpResponse execute(HttpRequest<R> request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, value) -> {
            if (!AUTH_COMMAND_HEADER.equals(name)) {
                headers.put(name, String.valueOf(value));
            }
        });
        String contentType = request.getContentType() != null ? request.getContentType() : "application/json";
        String body = null;
        try {
            Object entity = request.getEntity();
            if (entity instanceof InputStream) {
                throw new UnsupportedOperationException("streamed bodies go through StreamingUpload");
            }
            if (entity != null) {
                body = ObjectMapperSingleton.getContext(entity.getClass()).writer().writeValueAsString(entity);
            } else if (request.hasJson()) {
                body = request.getJson();
            }
            return new Response(Http.send(Transport.current(), request.getMethod().name(),
                    URI.create(request.getUrl()), headers, contentType, body));
        } catch (IOException e) { // openstack4j's way of saying "no HTTP answer": status 0
            throw new ConnectionException(e.toString(), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted", 0, e);
        }
    }

    @Override
    public String getExecutorDisplayName() {
        return "imagebuilder JDK HttpURLConnection";
    }

    private record Response(Http.Response answer) implements HttpResponse {

        @Override
        public <T> T getEntity(Class<T> type) {
            return getEntity(type, null);
        }

        @Override
        public <T> T getEntity(Class<T> type, ExecutionOptions<T> options) {
            return HttpEntityHandler.handle(this, type, options, true);
        }

        @Override
        public <T> T readEntity(Class<T> type) {
            try {
                return ObjectMapperSingleton.getContext(type).readerFor(type).readValue(answer.body());
            } catch (IOException e) {
                throw new ClientResponseException("cannot read " + type.getSimpleName() + ": " + e.getMessage(),
                        answer.status(), e);
            }
        }

        @Override
        public int getStatus() {
            return answer.status();
        }

        @Override
        public String getContentType() {
            return answer.header("Content-Type");
        }

        @Override
        public String getStatusMessage() {
            return answer.message();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(answer.body().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String header(String name) {
            return answer.header(name);
        }

        @Override
        public Map<String, String> headers() {
            return answer.headers();
        }

        @Override
        public void close() {
            // the body was read whole and the connection released by Http
        }
    }
}
