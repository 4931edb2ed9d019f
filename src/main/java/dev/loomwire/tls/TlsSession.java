package dev.loomwire.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * The result of {@link TlsSockets#layer}: the connected TLS socket with the handshake done, and
 * the facts about the negotiated session.
 *
 * @param socket        the TLS socket to read and write application data on
 * @param protocol      negotiated protocol, e.g. {@code TLSv1.3}
 * @param cipherSuite   negotiated cipher suite, e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param peerChain     the server's certificate chain, leaf first (empty under no certificates)
 * @param alpn          the negotiated ALPN protocol, {@code null} if none
 * @param sniSent       the server name sent in the SNI extension, {@code null} if none was sent
 * @param resumed       whether an earlier session was resumed (no full handshake)
 * @param handshakeTime how long the handshake took
 */
public record TlsSession(SSLSocket socket, String protocol, String cipherSuite,
                         List<X509Certificate> peerChain, String alpn, String sniSent,
                         boolean resumed, Duration handshakeTime) {

    /** Copies the chain so the record stays immutable. */
    public TlsSession {
        peerChain = List.copyOf(peerChain);
    }

    /** The server's own (leaf) certificate, or {@code null} if it sent none. */
    public X509Certificate peerCertificate() {
        return peerChain.isEmpty() ? null : peerChain.get(0);
    }
}
