package io.imagebuilder.glance;

import io.imagebuilder.template.Secret;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keystone v3 credentials, as an openrc's {@code OS_*} variables or a {@code clouds.yaml} entry give them.
 * Either a password (with user and project) or an application credential.
 */
public record OpenStackCredentials(String authUrl, Optional<String> username, Optional<Secret> password,
                                   Optional<String> projectName, String userDomainName, String projectDomainName,
                                   Optional<String> regionName, String interfaceName,
                                   Optional<String> applicationCredentialId,
                                   Optional<Secret> applicationCredentialSecret) {

    public static final String DEFAULT_DOMAIN = "Default";

    /** The values we read, with their openrc variable and their clouds.yaml key (under auth: or top level). */
    private enum Field {
        AUTH_URL("OS_AUTH_URL", "auth.auth_url"),
        USERNAME("OS_USERNAME", "auth.username"),
        PASSWORD("OS_PASSWORD", "auth.password"),
        PROJECT_NAME("OS_PROJECT_NAME", "auth.project_name"),
        USER_DOMAIN("OS_USER_DOMAIN_NAME", "auth.user_domain_name"),
        PROJECT_DOMAIN("OS_PROJECT_DOMAIN_NAME", "auth.project_domain_name"),
        REGION("OS_REGION_NAME", "region_name"),
        INTERFACE("OS_INTERFACE", "interface"),
        APP_ID("OS_APPLICATION_CREDENTIAL_ID", "auth.application_credential_id"),
        APP_SECRET("OS_APPLICATION_CREDENTIAL_SECRET", "auth.application_credential_secret");

        final String envName;
        final String yamlKey;

        Field(String envName, String yamlKey) {
            this.envName = envName;
            this.yamlKey = yamlKey;
        }
    }

    /**
     * Reads an openrc's variables ({@code OS_AUTH_URL}, {@code OS_USERNAME}, {@code OS_PASSWORD},
     * {@code OS_PROJECT_NAME} or {@code OS_TENANT_NAME}, domain names, {@code OS_REGION_NAME},
     * {@code OS_INTERFACE}, application credentials), or, when {@code OS_CLOUD} is set, that cloud from the
     * first clouds.yaml found ({@code OS_CLIENT_CONFIG_FILE}, ./clouds.yaml, ~/.config/openstack/clouds.yaml,
     * /etc/openstack/clouds.yaml). Throws IllegalArgumentException naming every value still to set.
     */
    public static OpenStackCredentials fromEnvironment(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        get(env, "OS_CLIENT_CONFIG_FILE").ifPresent(f -> files.add(Path.of(f)));
        files.add(Path.of("clouds.yaml"));
        String home = get(env, "HOME").orElse(System.getProperty("user.home"));
        files.add(Path.of(home, ".config", "openstack", "clouds.yaml"));
        files.add(Path.of("/etc/openstack/clouds.yaml"));
        return fromEnvironment(env, files);
    }

    /** As {@link #fromEnvironment(Map)}, looking for clouds.yaml in the given files, first found wins. */
    static OpenStackCredentials fromEnvironment(Map<String, String> env, List<Path> cloudsYamlFiles) {
        Optional<String> cloud = get(env, "OS_CLOUD");
        if (cloud.isPresent()) {
            Path file = cloudsYamlFiles.stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("OS_CLOUD=" + cloud.get()
                            + " is set but no clouds.yaml was found (looked at " + cloudsYamlFiles + ")"));
            return fromCloudsYaml(file, cloud.get(), env);
        }
        rejectIdOnly(env);
        Map<Field, String> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            get(env, f.envName).ifPresent(v -> values.put(f, v));
        }
        if (!values.containsKey(Field.PROJECT_NAME)) {
            get(env, "OS_TENANT_NAME").ifPresent(v -> values.put(Field.PROJECT_NAME, v));
        }
        return build(values, "the environment", f -> f.envName);
    }

    /** Reads cloud {@code cloudName} of a clouds.yaml file (keys as the openstack CLI reads them). */
    public static OpenStackCredentials fromCloudsYaml(Path file, String cloudName) {
        return fromCloudsYaml(file, cloudName, Map.of());
    }

    /** The environment's OS_PASSWORD fills in a password the clouds.yaml leaves out (the CLI does so too). */
    private static OpenStackCredentials fromCloudsYaml(Path file, String cloudName, Map<String, String> env) {
        Object root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (MarkedYAMLException e) { // its message quotes the line, which may hold a password
            throw new IllegalArgumentException(file + " line " + (e.getProblemMark().getLine() + 1)
                    + ": not valid YAML (" + e.getProblem() + ")");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<?, ?> cloud = map(map(root).get("clouds")).entrySet().stream()
                .filter(e -> cloudName.equals(String.valueOf(e.getKey()))).map(e -> map(e.getValue()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(
                        file + " has no cloud '" + cloudName + "' under 'clouds:'"));
        Map<?, ?> auth = map(cloud.get("auth"));
        Map<Field, String> values = new EnumMap<>(Field.class);
        for (Field f : Field.values()) {
            Map<?, ?> from = f.yamlKey.startsWith("auth.") ? auth : cloud;
            scalar(from.get(f.yamlKey.substring(f.yamlKey.indexOf('.') + 1))).ifPresent(v -> values.put(f, v));
        }
        scalar(auth.get("tenant_name")).ifPresent(v -> values.putIfAbsent(Field.PROJECT_NAME, v));
        scalar(auth.get("domain_name")).ifPresent(v -> {
            values.putIfAbsent(Field.USER_DOMAIN, v);
            values.putIfAbsent(Field.PROJECT_DOMAIN, v);
        });
        get(env, "OS_PASSWORD").ifPresent(v -> values.putIfAbsent(Field.PASSWORD, v));
        String where = file + " (cloud '" + cloudName + "')";
        return build(values, where, f -> "clouds." + cloudName + "." + f.yamlKey);
    }

    private static OpenStackCredentials build(Map<Field, String> v, String source,
                                              java.util.function.Function<Field, String> nameOf) {
        boolean appCredential = v.containsKey(Field.APP_ID) || v.containsKey(Field.APP_SECRET);
        List<Field> needed = appCredential
                ? List.of(Field.AUTH_URL, Field.APP_ID, Field.APP_SECRET)
                : List.of(Field.AUTH_URL, Field.USERNAME, Field.PASSWORD, Field.PROJECT_NAME);
        List<String> missing = needed.stream().filter(f -> !v.containsKey(f)).map(nameOf).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("OpenStack credentials from " + source + " are incomplete: set "
                    + String.join(", ", missing)
                    + (appCredential ? "" : " (or an application credential instead of user and password)"));
        }
        return new OpenStackCredentials(v.get(Field.AUTH_URL), Optional.ofNullable(v.get(Field.USERNAME)),
                Optional.ofNullable(v.get(Field.PASSWORD)).map(Secret::of),
                Optional.ofNullable(v.get(Field.PROJECT_NAME)),
                v.getOrDefault(Field.USER_DOMAIN, DEFAULT_DOMAIN), v.getOrDefault(Field.PROJECT_DOMAIN, DEFAULT_DOMAIN),
                Optional.ofNullable(v.get(Field.REGION)), parseInterface(v.getOrDefault(Field.INTERFACE, "public")),
                Optional.ofNullable(v.get(Field.APP_ID)), Optional.ofNullable(v.get(Field.APP_SECRET)).map(Secret::of));
    }

    /** Accepts "public", "internal", "admin" and Keystone v2's "publicURL" spellings. */
    private static String parseInterface(String s) {
        String i = s.trim().toLowerCase(Locale.ROOT).replaceFirst("url$", "");
        if (!List.of("public", "internal", "admin").contains(i)) {
            throw new IllegalArgumentException("interface '" + s + "' is not one of public, internal, admin");
        }
        return i;
    }

    /** Domain or project IDs have no place in this record: say so instead of silently using "Default". */
    private static void rejectIdOnly(Map<String, String> env) {
        for (String kind : List.of("USER_DOMAIN", "PROJECT_DOMAIN", "PROJECT")) {
            if (get(env, "OS_" + kind + "_ID").isPresent() && get(env, "OS_" + kind + "_NAME").isEmpty()
                    && !(kind.equals("PROJECT") && get(env, "OS_TENANT_NAME").isPresent())) {
                throw new IllegalArgumentException("OS_" + kind + "_ID is not supported: set OS_" + kind + "_NAME");
            }
        }
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(s -> !s.isBlank());
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static Optional<String> scalar(Object o) {
        return o == null || o instanceof Map || o instanceof List ? Optional.empty()
                : Optional.of(String.valueOf(o)).filter(s -> !s.isBlank());
    }

    @Override
    public String toString() {
        return "OpenStackCredentials[authUrl=" + authUrl + ", user=" + username.orElse("-") + ", project="
                + projectName.orElse("-") + ", region=" + regionName.orElse("-") + "]";
    }
}
