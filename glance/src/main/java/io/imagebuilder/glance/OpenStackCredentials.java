package io.imagebuilder.glance;

import io.imagebuilder.glance.internal.CloudsYaml;
import io.imagebuilder.http.EnvironmentProxies;
import io.imagebuilder.template.Secret;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keystone v3 credentials, as an openrc's {@code OS_*} variables or a {@code clouds.yaml} entry (with its
 * secure.yaml) give them: a password (user and project by name or id) or an application credential (by id, or by
 * name with its user); and how to reach the cloud (CA certificates, verification, the environment's proxies).
 */
public record OpenStackCredentials(String authUrl, Optional<String> username, Optional<Secret> password,
                                   Optional<String> projectName, String userDomainName, String projectDomainName,
                                   Optional<String> regionName, String interfaceName,
                                   Optional<String> applicationCredentialId,
                                   Optional<Secret> applicationCredentialSecret, Ids ids, Connection connection) {

    public static final String DEFAULT_DOMAIN = "Default";

    /** Ids given instead of names ({@code OS_USER_ID}, {@code OS_PROJECT_ID}, ...), and an app credential's name. */
    public record Ids(Optional<String> userId, Optional<String> projectId, Optional<String> userDomainId,
                      Optional<String> projectDomainId, Optional<String> applicationCredentialName) {
        public static final Ids NONE = new Ids(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * How requests reach Keystone and Glance.
     *
     * @param caCertificates a PEM file of the CAs to trust instead of the JDK's ({@code OS_CACERT}, {@code cacert})
     * @param verify         false ({@code OS_INSECURE}, {@code verify: false}): no certificate is checked (warned)
     * @param proxies        {@code https_proxy}, {@code http_proxy}, {@code no_proxy}
     */
    public record Connection(Optional<Path> caCertificates, boolean verify, EnvironmentProxies proxies) {
        public static Connection jdkDefault() {
            return new Connection(Optional.empty(), true, EnvironmentProxies.of(Map.of()));
        }
    }

    /** Password or application-credential id credentials, reached as the JDK would. */
    public OpenStackCredentials(String authUrl, Optional<String> username, Optional<Secret> password,
                                Optional<String> projectName, String userDomainName, String projectDomainName,
                                Optional<String> regionName, String interfaceName,
                                Optional<String> applicationCredentialId,
                                Optional<Secret> applicationCredentialSecret) {
        this(authUrl, username, password, projectName, userDomainName, projectDomainName, regionName, interfaceName,
                applicationCredentialId, applicationCredentialSecret, Ids.NONE, Connection.jdkDefault());
    }

    /** The values we read, with their openrc variable and their clouds.yaml key. */
    private enum Field {
        AUTH_URL("OS_AUTH_URL", "auth.auth_url"),
        USERNAME("OS_USERNAME", "auth.username"),
        USER_ID("OS_USER_ID", "auth.user_id"),
        PASSWORD("OS_PASSWORD", "auth.password"),
        PROJECT_NAME("OS_PROJECT_NAME", "auth.project_name"),
        PROJECT_ID("OS_PROJECT_ID", "auth.project_id"),
        USER_DOMAIN("OS_USER_DOMAIN_NAME", "auth.user_domain_name"),
        USER_DOMAIN_ID("OS_USER_DOMAIN_ID", "auth.user_domain_id"),
        PROJECT_DOMAIN("OS_PROJECT_DOMAIN_NAME", "auth.project_domain_name"),
        PROJECT_DOMAIN_ID("OS_PROJECT_DOMAIN_ID", "auth.project_domain_id"),
        REGION("OS_REGION_NAME", "region_name"),
        INTERFACE("OS_INTERFACE", "interface"),
        APP_ID("OS_APPLICATION_CREDENTIAL_ID", "auth.application_credential_id"),
        APP_NAME("OS_APPLICATION_CREDENTIAL_NAME", "auth.application_credential_name"),
        APP_SECRET("OS_APPLICATION_CREDENTIAL_SECRET", "auth.application_credential_secret"),
        CACERT("OS_CACERT", "cacert"),
        INSECURE("OS_INSECURE", "insecure");

        final String envName;
        final String yamlKey;

        Field(String envName, String yamlKey) {
            this.envName = envName;
            this.yamlKey = yamlKey;
        }
    }

    /**
     * Reads an openrc's variables (the {@code OS_*} of {@link Field}, {@code OS_TENANT_NAME}), or, when
     * {@code OS_CLOUD} is set, that cloud from the first clouds.yaml found ({@code OS_CLIENT_CONFIG_FILE},
     * ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml) with its secure.yaml
     * ({@code OS_CLIENT_SECURE_FILE}, the same folders). Proxies come from the environment either way. Throws
     * IllegalArgumentException naming every value still to set.
     */
    public static OpenStackCredentials fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, configFiles(env, "clouds.yaml", "OS_CLIENT_CONFIG_FILE"));
    }

    /** As {@link #fromEnvironment(Map)}, looking for clouds.yaml in the given files, first found wins. */
    static OpenStackCredentials fromEnvironment(Map<String, String> env, List<Path> cloudsYamlFiles) {
        Optional<String> cloud = get(env, "OS_CLOUD");
        if (cloud.isPresent()) {
            Path file = cloudsYamlFiles.stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("OS_CLOUD=" + cloud.get()
                            + " is set but no clouds.yaml was found (looked at " + cloudsYamlFiles + ")"));
            return fromCloudsYaml(file, cloud.get(), env, configFiles(env, "secure.yaml", "OS_CLIENT_SECURE_FILE"));
        }
        Map<Field, String> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            get(env, f.envName).ifPresent(v -> values.put(f, v));
        }
        if (!values.containsKey(Field.PROJECT_NAME)) {
            get(env, "OS_TENANT_NAME").ifPresent(v -> values.put(Field.PROJECT_NAME, v));
        }
        return build(values, env, "the environment", f -> f.envName);
    }

    /** Reads cloud {@code cloudName} of a clouds.yaml file (keys as the openstack CLI reads them). */
    public static OpenStackCredentials fromCloudsYaml(Path file, String cloudName) {
        return fromCloudsYaml(file, cloudName, Map.of(), List.of());
    }

    /** The environment's OS_PASSWORD and OS_CACERT fill in what the files leave out (the CLI does so too). */
    private static OpenStackCredentials fromCloudsYaml(Path file, String cloudName, Map<String, String> env,
                                                       List<Path> secureFiles) {
        Map<String, String> cloud = CloudsYaml.cloud(file, cloudName, secureFiles);
        Map<Field, String> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            Optional.ofNullable(cloud.get(f.yamlKey)).ifPresent(v -> values.put(f, v));
        }
        Optional.ofNullable(cloud.get("auth.tenant_name")).ifPresent(v -> values.putIfAbsent(Field.PROJECT_NAME, v));
        Optional.ofNullable(cloud.get("auth.domain_name")).ifPresent(v -> {
            values.putIfAbsent(Field.USER_DOMAIN, v);
            values.putIfAbsent(Field.PROJECT_DOMAIN, v);
        });
        Optional.ofNullable(cloud.get("auth.domain_id")).ifPresent(v -> {
            values.putIfAbsent(Field.USER_DOMAIN_ID, v);
            values.putIfAbsent(Field.PROJECT_DOMAIN_ID, v);
        });
        if ("false".equalsIgnoreCase(cloud.getOrDefault("verify", "true"))) {
            values.put(Field.INSECURE, "true");
        }
        get(env, "OS_PASSWORD").ifPresent(v -> values.putIfAbsent(Field.PASSWORD, v));
        get(env, "OS_CACERT").ifPresent(v -> values.putIfAbsent(Field.CACERT, v));
        String where = file + " (cloud '" + cloudName + "')";
        return build(values, env, where, f -> "clouds." + cloudName + "." + f.yamlKey);
    }

    private static OpenStackCredentials build(Map<Field, String> v, Map<String, String> env, String source,
                                              Function<Field, String> nameOf) {
        boolean appCredential = v.containsKey(Field.APP_ID) || v.containsKey(Field.APP_NAME)
                || v.containsKey(Field.APP_SECRET);
        List<String> missing = new ArrayList<>();
        need(v, missing, nameOf, Field.AUTH_URL);
        if (appCredential) {
            need(v, missing, nameOf, Field.APP_SECRET);
            if (!v.containsKey(Field.APP_ID)) {
                need(v, missing, nameOf, Field.APP_NAME);
                need(v, missing, nameOf, Field.USERNAME, Field.USER_ID);
            }
        } else {
            need(v, missing, nameOf, Field.USERNAME, Field.USER_ID);
            need(v, missing, nameOf, Field.PASSWORD);
            need(v, missing, nameOf, Field.PROJECT_NAME, Field.PROJECT_ID);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("OpenStack credentials from " + source + " are incomplete: set "
                    + String.join(", ", missing)
                    + (appCredential ? "" : " (or an application credential instead of user and password)"));
        }
        Optional<Path> caFile = Optional.ofNullable(v.get(Field.CACERT)).map(Path::of);
        caFile.filter(f -> !Files.isReadable(f)).ifPresent(f -> {
            throw new IllegalArgumentException(nameOf.apply(Field.CACERT) + " names " + f + ", which cannot be read");
        });
        boolean insecure = List.of("true", "1", "yes").contains(v.getOrDefault(Field.INSECURE, "").toLowerCase(
                Locale.ROOT));
        Ids ids = new Ids(opt(v, Field.USER_ID), opt(v, Field.PROJECT_ID), opt(v, Field.USER_DOMAIN_ID),
                opt(v, Field.PROJECT_DOMAIN_ID), opt(v, Field.APP_NAME));
        return new OpenStackCredentials(v.get(Field.AUTH_URL), opt(v, Field.USERNAME), opt(v, Field.PASSWORD)
                .map(Secret::of), opt(v, Field.PROJECT_NAME), v.getOrDefault(Field.USER_DOMAIN, DEFAULT_DOMAIN),
                v.getOrDefault(Field.PROJECT_DOMAIN, DEFAULT_DOMAIN), opt(v, Field.REGION),
                parseInterface(v.getOrDefault(Field.INTERFACE, "public")), opt(v, Field.APP_ID),
                opt(v, Field.APP_SECRET).map(Secret::of), ids,
                new Connection(caFile, !insecure, EnvironmentProxies.of(env)));
    }

    /** One of {@code anyOf} must be set; the first is named when none is. */
    private static void need(Map<Field, String> v, List<String> missing, Function<Field, String> nameOf,
                             Field... anyOf) {
        for (Field f : anyOf) {
            if (v.containsKey(f)) {
                return;
            }
        }
        missing.add(nameOf.apply(anyOf[0]));
    }

    /** Accepts "public", "internal", "admin" and Keystone v2's "publicURL" spellings. */
    private static String parseInterface(String s) {
        String i = s.trim().toLowerCase(Locale.ROOT).replaceFirst("url$", "");
        if (!List.of("public", "internal", "admin").contains(i)) {
            throw new IllegalArgumentException("interface '" + s + "' is not one of public, internal, admin");
        }
        return i;
    }

    private static List<Path> configFiles(Map<String, String> env, String name, String variable) {
        List<Path> files = new ArrayList<>();
        get(env, variable).ifPresent(f -> files.add(Path.of(f)));
        files.add(Path.of(name));
        String home = get(env, "HOME").orElse(System.getProperty("user.home"));
        files.add(Path.of(home, ".config", "openstack", name));
        files.add(Path.of("/etc/openstack", name));
        return files;
    }

    private static Optional<String> opt(Map<Field, String> v, Field f) {
        return Optional.ofNullable(v.get(f));
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
    }

    @Override
    public String toString() {
        return "OpenStackCredentials[authUrl=" + authUrl + ", user=" + username.or(ids::userId).orElse("-")
                + ", project=" + projectName.or(ids::projectId).orElse("-") + ", region=" + regionName.orElse("-")
                + "]";
    }
}
