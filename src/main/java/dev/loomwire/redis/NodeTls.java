package dev.loomwire.redis;

import java.util.List;

/**
 * What the cluster client knows about TLS to one node, as shown by
 * {@link RedisClusterClient#topology()}: not connected yet, plaintext, connected (with the name
 * checked and what the certificate says), or refused by verification.
 */
public sealed interface NodeTls {

    /** No connection to this node has been opened yet (or the topology came from a parser alone). */
    record NotConnected() implements NodeTls {}

    /** The node is reached over {@code redis://}, without TLS. */
    record Plaintext(HostAndPort dialed) implements NodeTls {}

    /**
     * A TLS connection is open: {@code nameChecked} is the name the certificate was verified
     * against under {@code verification} (and sent as SNI unless it is an IP literal).
     */
    record Connected(HostAndPort dialed, String nameChecked, String verification, String sni, String protocol,
                     String cipherSuite, String certificateSubject, List<String> subjectAltNames) implements NodeTls {
        public Connected {
            subjectAltNames = List.copyOf(subjectAltNames);
        }
    }

    /** The last attempt to connect failed TLS verification against {@code nameChecked}; {@code reason} says why and how to fix it. */
    record Refused(HostAndPort dialed, String nameChecked, String reason) implements NodeTls {}
}
