package io.imagebuilder.glance.internal;

import io.imagebuilder.glance.OpenStackCredentials;
import io.imagebuilder.http.EnvironmentProxies;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;

/**
 * How requests to Keystone and Glance reach them: the CA certificates to trust ({@code OS_CACERT}, clouds.yaml
 * {@code cacert}; the JDK's own otherwise), whether certificates are checked at all, and the environment's
 * proxies. openstack4j's requests run through {@link JdkHttpConnector}, which finds the transport of the
 * authentication in progress on its thread ({@link #during}).
 */
public record Transport(Optional<SSLContext> ssl, boolean verifyHostnames, EnvironmentProxies proxies) {

    private static final ThreadLocal<Transport> CURRENT = new ThreadLocal<>();
    private static final Transport JDK_DEFAULT = new Transport(Optional.empty(), true,
            EnvironmentProxies.of(java.util.Map.of()));

    /** The JDK's trust store, no proxy but the JDK's own. */
    public static Transport jdkDefault() {
        return JDK_DEFAULT;
    }

    public static Transport of(OpenStackCredentials.Connection c) {
        try {
            if (!c.verify()) {
                SSLContext trustAll = SSLContext.getInstance("TLS");
                trustAll.init(null, new TrustManager[] {new TrustEverything()}, null);
                return new Transport(Optional.of(trustAll), false, c.proxies());
            }
            if (c.caCertificates().isEmpty()) {
                return new Transport(Optional.empty(), true, c.proxies());
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(c.caCertificates().get())) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("CA file " + c.caCertificates().get() + " holds no certificate");
            }
            int i = 0;
            for (Certificate cert : certs) {
                trusted.setCertificateEntry("ca" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return new Transport(Optional.of(ctx), true, c.proxies());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA certificates in " + c.caCertificates()
                    .map(Object::toString).orElse("(none)") + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} with this transport visible to {@link #current()} on this thread. */
    <T> T during(java.util.function.Supplier<T> work) {
        Transport before = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            CURRENT.set(before);
        }
    }

    static Transport current() {
        Transport t = CURRENT.get();
        return t != null ? t : jdkDefault();
    }

    HttpURLConnection open(URI uri) throws IOException {
        HttpURLConnection con = (HttpURLConnection) uri.toURL().openConnection(proxies.proxyFor(uri));
        if (con instanceof HttpsURLConnection https) {
            ssl.ifPresent(s -> https.setSSLSocketFactory(s.getSocketFactory()));
            if (!verifyHostnames) {
                https.setHostnameVerifier((host, session) -> true);
            }
        }
        return con;
    }

    HttpClient.Builder client() {
        HttpClient.Builder b = HttpClient.newBuilder().proxy(proxies);
        ssl.ifPresent(b::sslContext);
        return b;
    }

    /** A certificate the JDK did not trust, said in words that lead to the fix. */
    static Optional<String> untrustedCertificate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return Optional.of("its TLS certificate is not trusted (" + t.getMessage() + "): set OS_CACERT"
                        + " (or cacert: in clouds.yaml) to the PEM file of the CA that signed it");
            }
        }
        return Optional.empty();
    }

    /** {@code verify: false} / {@code OS_INSECURE}: the user chose to trust whoever answers. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately unchecked: the user turned verification off, and is warned
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
