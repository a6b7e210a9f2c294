package io.imagebuilder.glance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imagebuilder.glance.GlancePublishException;
import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.template.Secret;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.openstack.OSFactory;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Gets a token and the Glance endpoint from Keystone v3. Password credentials go through openstack4j (its
 * requests carried by {@link JdkHttpConnector}); it has no application-credential method, so those are one
 * plain request. Call it in the thread that uploads, right before the upload: openstack4j keeps its session
 * thread-local, and a build may run for an hour.
 */
public final class KeystoneAuth {

    private static final String STEP = "authenticate";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeystoneAuth() {
    }

    /** The v3 identity URL whatever form OS_AUTH_URL took ("http://k:5000", ".../v3", ".../v3/"). */
    static String identityV3(String authUrl) {
        String u = authUrl.trim().replaceAll("/+$", "");
        return u.endsWith("/v3") ? u : u + "/v3";
    }

    public static GlanceAccess authenticate(OpenStackCredentials c) {
        String url = identityV3(c.authUrl());
        Transport transport = Transport.of(c.connection());
        return c.applicationCredentialSecret().isPresent() ? withApplicationCredential(c, url, transport)
                : transport.during(() -> withPassword(c, url, transport));
    }

    private static GlanceAccess withPassword(OpenStackCredentials c, String url, Transport transport) {
        String user = c.username().or(() -> c.ids().userId()).orElseThrow();
        String password = c.password().map(Secret::reveal).orElse("");
        Identifier userDomain = c.ids().userDomainId().map(Identifier::byId)
                .orElse(Identifier.byName(c.userDomainName()));
        Identifier projectDomain = c.ids().projectDomainId().map(Identifier::byId)
                .orElse(Identifier.byName(c.projectDomainName()));
        try {
            var builder = c.username().isPresent() ? OSFactory.builderV3().endpoint(url)
                    .credentials(user, password, userDomain) : OSFactory.builderV3().endpoint(url)
                    .credentials(user, password);
            builder = c.projectName().isPresent()
                    ? builder.scopeToProject(Identifier.byName(c.projectName().get()), projectDomain)
                    : builder.scopeToProject(Identifier.byId(c.ids().projectId().orElseThrow()));
            OSClient.OSClientV3 os = builder.perspective(Facing.value(c.interfaceName())).authenticate();
            List<CatalogEntry> catalog = new ArrayList<>();
            for (Service s : os.getToken().getCatalog()) {
                for (Endpoint e : s.getEndpoints()) {
                    catalog.add(new CatalogEntry(s.getType(), e.getIface().name().toLowerCase(Locale.ROOT),
                            Optional.ofNullable(e.getRegion()).orElse(e.getRegionId()), e.getUrl().toString()));
                }
            }
            return new GlanceAccess(pick(catalog, c), Secret.of(os.getToken().getId()),
                    os.getToken().getProject().getId(), transport);
        } catch (ResponseException e) {
            if (e.getStatus() == 0) { // openstack4j's ConnectionException: no HTTP answer at all
                throw unreachable(url, e);
            }
            throw new GlancePublishException(STEP, "Keystone " + url + " refused user '" + user + "' (project '"
                    + c.projectName().or(() -> c.ids().projectId()).orElse("") + "'): HTTP " + e.getStatus() + " "
                    + e.getMessage(), e.getStatus(), null);
        } catch (RuntimeException e) {
            if (e instanceof GlancePublishException g) {
                throw g;
            }
            throw unreachable(url, e);
        }
    }

    /** Says why Keystone could not be reached; an untrusted certificate is named with its fix. */
    private static GlancePublishException unreachable(String url, Exception e) {
        return new GlancePublishException(STEP, "cannot reach Keystone " + url + ": "
                + Transport.untrustedCertificate(e).orElse(String.valueOf(e.getMessage())), -1, null);
    }

    private static GlanceAccess withApplicationCredential(OpenStackCredentials c, String url, Transport transport) {
        Map<String, Object> credential = new LinkedHashMap<>();
        c.applicationCredentialId().ifPresentOrElse(id -> credential.put("id", id), () -> {
            credential.put("name", c.ids().applicationCredentialName().orElseThrow());
            credential.put("user", c.username().<Map<String, Object>>map(n -> Map.of("name", n, "domain",
                    c.ids().userDomainId().<Map<String, Object>>map(d -> Map.of("id", d))
                            .orElse(Map.of("name", c.userDomainName()))))
                    .orElseGet(() -> Map.of("id", c.ids().userId().orElseThrow())));
        });
        credential.put("secret", c.applicationCredentialSecret().map(Secret::reveal).orElse(""));
        Map<String, Object> body = Map.of("auth", Map.of("identity", Map.of("methods",
                List.of("application_credential"), "application_credential", credential)));
        Http.Response r;
        try {
            r = Http.send(transport, "POST", URI.create(url + "/auth/tokens"), Map.of(), "application/json",
                    JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw unreachable(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GlancePublishException(STEP, "interrupted while authenticating", -1, e);
        }
        if (r.status() != 201) {
            throw new GlancePublishException(STEP, "Keystone " + url + " refused application credential '"
                    + c.applicationCredentialId().or(() -> c.ids().applicationCredentialName()).orElse("")
                    + "': HTTP " + r.status() + " "
                    + GlanceClient.summary(r.body()), r.status(), null);
        }
        List<CatalogEntry> catalog = new ArrayList<>();
        String projectId;
        try {
            JsonNode token = JSON.readTree(r.body()).path("token");
            projectId = token.path("project").path("id").asText();
            for (JsonNode s : token.path("catalog")) {
                for (JsonNode e : s.path("endpoints")) {
                    catalog.add(new CatalogEntry(s.path("type").asText(), e.path("interface").asText(),
                            e.path("region_id").asText(e.path("region").asText(null)), e.path("url").asText()));
                }
            }
        } catch (IOException e) {
            throw new GlancePublishException(STEP, "Keystone sent a token that is not JSON", -1, e);
        }
        String tokenId = r.header("X-Subject-Token");
        if (tokenId == null) {
            throw new GlancePublishException(STEP, "Keystone answered without X-Subject-Token");
        }
        return new GlanceAccess(pick(catalog, c), Secret.of(tokenId), projectId, transport);
    }

    record CatalogEntry(String type, String iface, String region, String url) {
    }

    /** The image endpoint for the credentials' interface and (if set) region. */
    static URI pick(List<CatalogEntry> catalog, OpenStackCredentials c) {
        return catalog.stream()
                .filter(e -> "image".equals(e.type()) && c.interfaceName().equals(e.iface()))
                .filter(e -> c.regionName().map(r -> r.equals(e.region())).orElse(true))
                .map(e -> URI.create(e.url())).findFirst()
                .orElseThrow(() -> new GlancePublishException(STEP, "the Keystone catalog has no image endpoint"
                        + " for interface " + c.interfaceName() + c.regionName().map(r -> " in region " + r)
                        .orElse("") + "; image endpoints: " + catalog.stream().filter(e -> "image".equals(e.type()))
                        .map(e -> e.iface() + "@" + e.region()).toList()));
    }
}
