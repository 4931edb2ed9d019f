package dev.loomwire.pg;

import dev.loomwire.tls.TlsSession;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Facts about an encrypted connection: the TLS session (protocol, cipher suite, peer chain,
 * ALPN, SNI) and whether it was negotiated directly ({@code sslnegotiation=direct}) or after an
 * SSLRequest; also whether SCRAM channel binding was used during authentication.
 */
public record PgTlsInfo(TlsSession session, boolean directNegotiation, boolean channelBound) {
    public String protocol() {
        return session.protocol();
    }

    public String cipherSuite() {
        return session.cipherSuite();
    }

    public List<X509Certificate> peerCertificates() {
        return session.peerChain();
    }

    /** Negotiated ALPN protocol ("postgresql") or null. */
    public String alpn() {
        return session.alpn();
    }
}
