package dev.loomwire.tls;

import java.util.Locale;
import java.util.Optional;

/**
 * A fatal TLS alert the server sent to end a handshake or a session (RFC 8446 section 6), with
 * what it means for the client. Certificate alerts from a server are about the client's
 * certificate. Under TLS 1.3 the server judges the client certificate after the client has
 * finished its handshake, so these arrive on the first read, not from the handshake.
 */
public enum TlsAlert {
    UNEXPECTED_MESSAGE(10, "the server received a TLS message it did not expect"),
    BAD_RECORD_MAC(20, "a TLS record failed its integrity check (corrupted in transit or tampered with)"),
    RECORD_OVERFLOW(22, "a TLS record was too long"),
    HANDSHAKE_FAILURE(40, "the server found no acceptable security parameters (protocol version, cipher suite,"
            + " key exchange group or signature algorithm) in what the client offered"),
    BAD_CERTIFICATE(42, "the server rejected the client certificate as unacceptable (e.g. not yet valid, or it"
            + " failed the server's checks)"),
    UNSUPPORTED_CERTIFICATE(43, "the server does not accept this kind of client certificate (check its key"
            + " usage and extendedKeyUsage clientAuth)"),
    CERTIFICATE_REVOKED(44, "the server has revoked the client certificate (it is listed in the server's CRL)"),
    CERTIFICATE_EXPIRED(45, "the client certificate has expired, as the server sees it"),
    CERTIFICATE_UNKNOWN(46, "the server could not accept the client certificate"),
    ILLEGAL_PARAMETER(47, "a handshake field from the client was out of range or inconsistent"),
    UNKNOWN_CA(48, "the server does not trust the client certificate's issuer"),
    ACCESS_DENIED(49, "the server refused access after checking the client certificate"),
    DECODE_ERROR(50, "the server could not decode a handshake message"),
    DECRYPT_ERROR(51, "a handshake signature did not verify (e.g. the client key does not belong to the certificate)"),
    PROTOCOL_VERSION(70, "the server supports none of the TLS protocol versions the client offered"),
    INSUFFICIENT_SECURITY(71, "the server requires stronger cipher suites than the client offered"),
    INTERNAL_ERROR(80, "the server failed internally"),
    INAPPROPRIATE_FALLBACK(86, "the server detected a protocol downgrade"),
    USER_CANCELED(90, "the server canceled the handshake"),
    MISSING_EXTENSION(109, "the client did not send a TLS extension the server requires"),
    UNSUPPORTED_EXTENSION(110, "the client sent a TLS extension the server does not allow there"),
    UNRECOGNIZED_NAME(112, "the server does not know the SNI server name the client sent"),
    BAD_CERTIFICATE_STATUS_RESPONSE(113, "the server rejected a certificate status response"),
    UNKNOWN_PSK_IDENTITY(115, "the server does not know the client's pre-shared key identity"),
    CERTIFICATE_REQUIRED(116, "the server requires a client certificate and none was sent"),
    NO_APPLICATION_PROTOCOL(120, "the server supports none of the ALPN protocols the client offered");

    private static final String RECEIVED = "received fatal alert: ";

    private final int code;
    private final String meaning;

    TlsAlert(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The alert's name as the TLS specification spells it, e.g. {@code certificate_required}. */
    public String alertName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The alert's number in the TLS alert registry. */
    public int code() {
        return code;
    }

    /** What the alert means for this client, in words. */
    public String meaning() {
        return meaning;
    }

    /** Whether the alert is the server's verdict on the client certificate. */
    public boolean aboutClientCertificate() {
        return switch (this) {
            case BAD_CERTIFICATE, UNSUPPORTED_CERTIFICATE, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRED,
                 CERTIFICATE_UNKNOWN, UNKNOWN_CA, ACCESS_DENIED, DECRYPT_ERROR, CERTIFICATE_REQUIRED -> true;
            default -> false;
        };
    }

    /** The alert by its specification name (e.g. {@code unknown_ca}), if it is one. */
    public static Optional<TlsAlert> byName(String name) {
        for (TlsAlert a : values()) {
            if (a.alertName().equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The fatal alert the JDK reports having received somewhere in this exception's causes. */
    public static Optional<TlsAlert> receivedIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            int at = m.indexOf(RECEIVED);
            if (at >= 0) {
                return byName(m.substring(at + RECEIVED.length()).split("[^a-z_]", 2)[0]);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
