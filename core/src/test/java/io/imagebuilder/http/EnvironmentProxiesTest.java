package io.imagebuilder.http;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** https_proxy, http_proxy and no_proxy as curl reads them. */
class EnvironmentProxiesTest {

    @Test
    void eachSchemeHasItsProxyAndNoProxyBypassesHostsAndDomains() {
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("HTTPS_PROXY", "http://secure-proxy:3129",
                "http_proxy", "plain-proxy:3128", "no_proxy", " localhost , .site.org,cloud.example:5000"));
        assertEquals(address("secure-proxy", 3129), p.proxyFor(URI.create("https://deb.debian.org/x")).address());
        assertEquals(address("plain-proxy", 3128), p.proxyFor(URI.create("http://deb.debian.org/x")).address());
        assertEquals(Proxy.NO_PROXY, p.proxyFor(URI.create("https://localhost:5000/v3")));
        assertEquals(Proxy.NO_PROXY, p.proxyFor(URI.create("https://glance.site.org/v2")));
        assertEquals(Proxy.NO_PROXY, p.proxyFor(URI.create("https://site.org/")));
        assertEquals(Proxy.NO_PROXY, p.proxyFor(URI.create("https://keystone.cloud.example/")));
        assertFalse(p.bypassed("notsite.org"));
        assertTrue(EnvironmentProxies.of(Map.of("https_proxy", "http://p:1", "no_proxy", "*")).bypassed("any"));
    }

    @Test
    void cidrRangesAndIpv6LiteralsAreBypassed() {
        EnvironmentProxies p = EnvironmentProxies.of(Map.of("https_proxy", "http://p:3128",
                "no_proxy", "10.0.0.0/8,192.168.1.0/24,::1,[fd00::1]:5000"));
        assertTrue(p.bypassed("10.20.30.40"));
        assertTrue(p.bypassed("192.168.1.7"));
        assertFalse(p.bypassed("192.168.2.7"));
        assertTrue(p.bypassed("[::1]"));
        assertTrue(p.bypassed("fd00::1"));
        assertFalse(p.bypassed("11.0.0.1"));
    }

    @Test
    void aProxyWithCredentialsOrOverHttpsIsRefusedWithoutQuotingIt() {
        IllegalArgumentException creds = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentProxies.of(Map.of("https_proxy", "http://user:s3cret@proxy:3128")));
        assertTrue(creds.getMessage().contains("credentials") && !creds.getMessage().contains("s3cret"),
                creds.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnvironmentProxies.of(Map.of("https_proxy",
                "https://proxy:3128")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentProxies.of(Map.of("http_proxy", "http://pw-in^url:3128")));
        assertFalse(bad.getMessage().contains("pw-in"), bad.getMessage());
    }

    @Test
    void withoutVariablesTheJdkDecidesAndABadProxyIsNamed() {
        assertEquals(Proxy.NO_PROXY, EnvironmentProxies.of(Map.of()).proxyFor(URI.create("https://x/")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentProxies.of(Map.of("https_proxy", "http://:3128")));
        assertTrue(e.getMessage().startsWith("https_proxy is not a proxy URL"), e.getMessage());
    }

    private static InetSocketAddress address(String host, int port) {
        return InetSocketAddress.createUnresolved(host, port);
    }
}
