package dev.loomwire.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Facts about a negotiated TLS session, as {@link TlsSockets#layer} found them after the handshake.
 * Holds no live socket (see {@link TlsConnection} for that).
 *
 * @param protocol                   negotiated protocol, e.g. {@code TLSv1.3}
 * @param cipherSuite                negotiated cipher suite, e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param peerChain                  the server's certificate chain, leaf first (empty under no certificates)
 * @param alpn                       the negotiated ALPN protocol, {@code null} if none
 * @param sniSent                    the server name sent in the SNI extension, {@code null} if none was sent
 * @param resumed                    whether an earlier session was resumed (no full handshake)
 * @param handshakeTime              how long the handshake took
 * @param clientCertificateRequested whether the server asked for a client certificate
 * @param clientChain                the client certificate chain sent, leaf first; empty if none was sent
 * @param trustedBy                  what the server's chain was checked against, e.g. "root certificate
 *                                   file /etc/ca.crt"; {@code null} under {@link TlsVerification#NONE}
 */
public record TlsSession(String protocol, String cipherSuite, List<X509Certificate> peerChain, String alpn,
                         String sniSent, boolean resumed, Duration handshakeTime,
                         boolean clientCertificateRequested, List<X509Certificate> clientChain, String trustedBy) {

    /** Copies the chains so the record stays immutable. */
    public TlsSession {
        peerChain = List.copyOf(peerChain);
        clientChain = List.copyOf(clientChain);
    }

    /** Whether a client certificate was sent. */
    public boolean clientCertificateSent() {
        return !clientChain.isEmpty();
    }

    /** The server's own (leaf) certificate, or {@code null} if it sent none. */
    public X509Certificate peerCertificate() {
        return peerChain.isEmpty() ? null : peerChain.get(0);
    }
}
