package dev.loomwire.tls;

import java.io.IOException;

/**
 * A TLS setup or handshake failure with a {@link Kind} that says what went wrong and a message
 * meant for the user (it names files, hosts and certificates, never passwords or key material).
 */
public class TlsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The category of a TLS failure. */
    public enum Kind {
        /** Bad configuration: a file is missing, unreadable, in an unsupported format, a wrong password. */
        CONFIG,
        /** The server's certificate chain does not lead to a trusted certificate. */
        UNTRUSTED,
        /** The certificate is trusted but does not name the host we connected to. */
        HOST_MISMATCH,
        /** A certificate in the chain has expired or is not yet valid. */
        EXPIRED,
        /** A certificate in the chain is listed in a configured certificate revocation list. */
        REVOKED,
        /** Any other handshake failure (no common protocol or cipher, alert from the server, ...). */
        HANDSHAKE,
        /** The handshake did not finish within the timeout. */
        TIMEOUT,
        /** The peer closed the connection during the handshake. */
        CLOSED_BY_PEER,
        /** The peer answered with something that is not TLS (e.g. a plaintext port). */
        NOT_TLS
    }

    private final Kind kind;

    /** A failure of the given kind with a user-facing message. */
    public TlsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** A failure of the given kind with a user-facing message and the underlying cause. */
    public TlsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }
}
