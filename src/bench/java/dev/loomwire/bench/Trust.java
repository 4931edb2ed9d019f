package dev.loomwire.bench;

import dev.loomwire.testing.TestCerts;
import dev.loomwire.tls.PemFiles;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsVerification;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one trust setting every driver gets under TLS: the test root CA (ca.crt) and full
 * verification of the host name "localhost", built the way each library documents it.
 */
final class Trust {
    static final String HOST = "localhost";

    private Trust() {}

    /** loomwire: verification FULL against ca.crt. */
    static TlsConfig loomwire() {
        return TlsConfig.builder().verification(TlsVerification.FULL).trustPemFile(TestCerts.file("ca.crt")).build();
    }

    /** A JDK SSLContext trusting ca.crt only (for Jedis and the raw-TLS scenarios). */
    static SSLContext jdkContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            List<X509Certificate> cas = PemFiles.readCertificates(TestCerts.file("ca.crt"));
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an SSLContext trusting ca.crt: " + e.getMessage(), e);
        }
    }

    /** SSLParameters that make the JDK check the host name (RFC 6125 via endpoint identification). */
    static SSLParameters verifyHost() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }
}
