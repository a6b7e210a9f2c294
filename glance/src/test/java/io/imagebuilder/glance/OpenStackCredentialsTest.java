package io.imagebuilder.glance;

import io.imagebuilder.template.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenStackCredentialsTest {

    @TempDir
    Path dir;

    private static Map<String, String> openrc() {
        Map<String, String> env = new HashMap<>();
        env.put("OS_AUTH_URL", "https://keystone.example:5000/v3");
        env.put("OS_USERNAME", "alice");
        env.put("OS_PASSWORD", "s3cret-pw");
        env.put("OS_PROJECT_NAME", "visa");
        return env;
    }

    @Test
    void readsOpenrcWithDefaults() {
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(openrc(), List.of());
        assertEquals("https://keystone.example:5000/v3", c.authUrl());
        assertEquals(Optional.of("alice"), c.username());
        assertEquals(Optional.of(Secret.of("s3cret-pw")), c.password());
        assertEquals(Optional.of("visa"), c.projectName());
        assertEquals("Default", c.userDomainName());
        assertEquals("Default", c.projectDomainName());
        assertEquals("public", c.interfaceName());
        assertEquals(Optional.empty(), c.regionName());
    }

    @Test
    void readsTenantNameDomainsRegionAndInterface() {
        Map<String, String> env = openrc();
        env.remove("OS_PROJECT_NAME");
        env.put("OS_TENANT_NAME", "visa-legacy");
        env.put("OS_USER_DOMAIN_NAME", "users");
        env.put("OS_PROJECT_DOMAIN_NAME", "projects");
        env.put("OS_REGION_NAME", "RegionTwo");
        env.put("OS_INTERFACE", "internalURL");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env, List.of());
        assertEquals(Optional.of("visa-legacy"), c.projectName());
        assertEquals("users", c.userDomainName());
        assertEquals("projects", c.projectDomainName());
        assertEquals(Optional.of("RegionTwo"), c.regionName());
        assertEquals("internal", c.interfaceName());
    }

    @Test
    void projectNameWinsOverTenantName() {
        Map<String, String> env = openrc();
        env.put("OS_TENANT_NAME", "old");
        assertEquals(Optional.of("visa"), OpenStackCredentials.fromEnvironment(env, List.of()).projectName());
    }

    @Test
    void applicationCredentialNeedsNoUserOrPassword() {
        Map<String, String> env = Map.of("OS_AUTH_URL", "http://k/v3", "OS_APPLICATION_CREDENTIAL_ID", "ac1",
                "OS_APPLICATION_CREDENTIAL_SECRET", "acsecret");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env, List.of());
        assertEquals(Optional.of("ac1"), c.applicationCredentialId());
        assertEquals(Optional.of(Secret.of("acsecret")), c.applicationCredentialSecret());
        assertTrue(c.password().isEmpty());
    }

    @Test
    void missingValuesAreListedInOneErrorWithoutThePassword() {
        Map<String, String> env = Map.of("OS_PASSWORD", "s3cret-pw");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromEnvironment(env, List.of()));
        assertTrue(e.getMessage().contains("OS_AUTH_URL, OS_USERNAME, OS_PROJECT_NAME"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"));
    }

    @Test
    void badInterfaceIsRejected() {
        Map<String, String> env = openrc();
        env.put("OS_INTERFACE", "external");
        assertThrows(IllegalArgumentException.class, () -> OpenStackCredentials.fromEnvironment(env, List.of()));
    }

    @Test
    void idsStandInForNames() {
        Map<String, String> env = openrc();
        env.remove("OS_USERNAME");
        env.remove("OS_PROJECT_NAME");
        env.put("OS_USER_ID", "u-123");
        env.put("OS_PROJECT_ID", "p-456");
        env.put("OS_USER_DOMAIN_ID", "default");
        env.put("OS_PROJECT_DOMAIN_ID", "d-789");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env, List.of());
        assertEquals(new OpenStackCredentials.Ids(Optional.of("u-123"), Optional.of("p-456"), Optional.of("default"),
                Optional.of("d-789"), Optional.empty()), c.ids());
        assertEquals(Optional.empty(), c.username());
        env.remove("OS_PROJECT_ID");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromEnvironment(env, List.of()));
        assertTrue(e.getMessage().contains("set OS_PROJECT_NAME"), e.getMessage());
    }

    @Test
    void anApplicationCredentialByNameNeedsItsUser() {
        Map<String, String> env = new HashMap<>(Map.of("OS_AUTH_URL", "https://k/v3",
                "OS_APPLICATION_CREDENTIAL_NAME", "ci-builds", "OS_APPLICATION_CREDENTIAL_SECRET", "app-pw"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromEnvironment(env, List.of()));
        assertTrue(e.getMessage().endsWith("set OS_USERNAME"), e.getMessage());
        assertFalse(e.getMessage().contains("app-pw"));
        env.put("OS_USERNAME", "ci");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env, List.of());
        assertEquals(Optional.of("ci-builds"), c.ids().applicationCredentialName());
        assertEquals(Optional.of(Secret.of("app-pw")), c.applicationCredentialSecret());
    }

    @Test
    void caCertificatesInsecureAndProxiesComeFromTheEnvironment() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Map<String, String> env = openrc();
        env.put("OS_CACERT", ca.toString());
        env.put("https_proxy", "http://proxy.site:3128");
        env.put("no_proxy", "localhost,.internal.site");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env, List.of());
        assertEquals(Optional.of(ca), c.connection().caCertificates());
        assertTrue(c.connection().verify());
        assertEquals("proxy.site:3128", c.connection().proxies().proxyFor(java.net.URI.create(
                "https://keystone.example:5000/v3")).address().toString().replace("/<unresolved>", ""));
        assertEquals(java.net.Proxy.NO_PROXY, c.connection().proxies().proxyFor(java.net.URI.create(
                "https://glance.internal.site/v2")));

        env.put("OS_INSECURE", "true");
        assertFalse(OpenStackCredentials.fromEnvironment(env, List.of()).connection().verify());
        env.put("OS_CACERT", dir.resolve("absent.pem").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromEnvironment(env, List.of()));
        assertTrue(e.getMessage().startsWith("OS_CACERT names " + dir.resolve("absent.pem")), e.getMessage());
    }

    @Test
    void cloudsYamlCacertVerifyAndSecureYaml() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path f = clouds("clouds:\n  visa:\n    auth: {auth_url: 'https://k/v3', username: u, project_name: p}\n"
                + "    cacert: " + ca + "\n    verify: false\n");
        Path secure = Files.writeString(dir.resolve("secure.yaml"),
                "clouds:\n  visa:\n    auth: {password: from-secure-yaml}\n");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(Map.of("OS_CLOUD", "visa",
                "OS_CLIENT_SECURE_FILE", secure.toString()), List.of(f));
        assertEquals(Optional.of(Secret.of("from-secure-yaml")), c.password());
        assertEquals(Optional.of(ca), c.connection().caCertificates());
        assertFalse(c.connection().verify());
    }

    @Test
    void toStringNeverShowsSecrets() {
        String s = OpenStackCredentials.fromEnvironment(openrc(), List.of()).toString();
        assertTrue(s.contains("alice"));
        assertFalse(s.contains("s3cret-pw"));
    }

    private Path clouds(String yaml) throws IOException {
        return Files.writeString(dir.resolve("clouds.yaml"), yaml);
    }

    @Test
    void readsCloudsYaml() throws IOException {
        Path f = clouds("""
                clouds:
                  other: {auth: {auth_url: http://wrong}}
                  visa:
                    auth:
                      auth_url: http://keystone:5000/v3
                      username: bob
                      password: yaml-pw
                      tenant_name: proj
                      domain_name: corp
                    region_name: R1
                    interface: admin
                """);
        OpenStackCredentials c = OpenStackCredentials.fromCloudsYaml(f, "visa");
        assertEquals("http://keystone:5000/v3", c.authUrl());
        assertEquals(Optional.of("bob"), c.username());
        assertEquals(Optional.of(Secret.of("yaml-pw")), c.password());
        assertEquals(Optional.of("proj"), c.projectName());
        assertEquals("corp", c.userDomainName());
        assertEquals("corp", c.projectDomainName());
        assertEquals(Optional.of("R1"), c.regionName());
        assertEquals("admin", c.interfaceName());
    }

    @Test
    void osCloudPicksTheFirstExistingFileAndTakesPasswordFromEnvironment() throws IOException {
        Path f = clouds("clouds:\n  visa:\n    auth: {auth_url: 'http://k/v3', username: u, project_name: p}\n");
        Map<String, String> env = Map.of("OS_CLOUD", "visa", "OS_PASSWORD", "env-pw");
        OpenStackCredentials c = OpenStackCredentials.fromEnvironment(env,
                List.of(dir.resolve("absent.yaml"), f));
        assertEquals(Optional.of("u"), c.username());
        assertEquals(Optional.of(Secret.of("env-pw")), c.password());
    }

    @Test
    void cloudsYamlErrorsNameTheFileAndKeys() throws IOException {
        Path f = clouds("clouds:\n  visa:\n    auth: {auth_url: 'http://k/v3', password: yaml-pw}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromCloudsYaml(f, "visa"));
        assertTrue(e.getMessage().contains("clouds.visa.auth.username"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("yaml-pw"));
        IllegalArgumentException noCloud = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromCloudsYaml(f, "nope"));
        assertTrue(noCloud.getMessage().contains("'nope'"), noCloud.getMessage());
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromEnvironment(Map.of("OS_CLOUD", "visa"), List.of(dir.resolve("x"))));
        assertTrue(noFile.getMessage().contains("OS_CLOUD=visa"), noFile.getMessage());
    }

    @Test
    void invalidYamlDoesNotEchoTheLine() throws IOException {
        Path f = clouds("clouds:\n  visa:\n    auth: {password: leak-pw: [\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenStackCredentials.fromCloudsYaml(f, "visa"));
        assertFalse(e.getMessage().contains("leak-pw"), e.getMessage());
        assertTrue(e.getMessage().contains("line"), e.getMessage());
    }
}
