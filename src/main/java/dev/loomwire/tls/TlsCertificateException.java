package dev.loomwire.tls;

import java.security.cert.CertificateException;

/**
 * Thrown by our trust manager in place of the JDK's terse exception. The JDK wraps it in an
 * {@link javax.net.ssl.SSLHandshakeException}; {@link TlsSockets} finds it in the cause chain and
 * turns it into a {@link TlsException} with the same kind and message.
 */
final class TlsCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final TlsException.Kind kind;

    TlsCertificateException(TlsException.Kind kind, String message) {
        this(kind, message, null);
    }

    TlsCertificateException(TlsException.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    TlsException.Kind kind() {
        return kind;
    }
}
