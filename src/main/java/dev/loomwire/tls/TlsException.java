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
        /**
         * The server ended the handshake or the session with a TLS alert; {@link TlsException#alert()}
         * names it (e.g. certificate_required, unknown_ca, certificate_revoked, protocol_version).
         */
        REJECTED,
        /**
         * CRLs are configured, but none from the issuer of a certificate in the chain is among them,
         * so its revocation status is unknown (libpq/OpenSSL fail such chains too).
         */
        REVOCATION_UNKNOWN,
        /** Any other handshake failure. */
        HANDSHAKE,
        /** The handshake did not finish within the timeout. */
        TIMEOUT,
        /** The peer closed the connection during the handshake. */
        CLOSED_BY_PEER,
        /** The peer answered with something that is not TLS (e.g. a plaintext port). */
        NOT_TLS
    }

    private final Kind kind;
    private final TlsAlert alert;

    /** A failure of the given kind with a user-facing message. */
    public TlsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.alert = null;
    }

    /** A failure of the given kind with a user-facing message and the underlying cause. */
    public TlsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.alert = null;
    }

    /** The server's rejection by TLS alert ({@link Kind#REJECTED}). */
    public TlsException(TlsAlert alert, String message, Throwable cause) {
        super(message, cause);
        this.kind = Kind.REJECTED;
        this.alert = alert;
    }

    /** The alert the server sent, for {@link Kind#REJECTED}. */
    public java.util.Optional<TlsAlert> alert() {
        return java.util.Optional.ofNullable(alert);
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }
}
