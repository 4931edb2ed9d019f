package dev.loomwire.tls;

/**
 * How much of the server's identity a TLS connection checks.
 *
 * <ul>
 *   <li>{@link #NONE}: encryption only; any certificate is accepted (libpq {@code sslmode=require}
 *       without a root certificate). Protects against passive eavesdroppers only.</li>
 *   <li>{@link #CA}: the certificate chain must lead to a trusted certificate, the host name is not
 *       checked (libpq {@code verify-ca}, redis-cli {@code --tls}); works with IP addresses and
 *       cluster nodes whose certificates carry other names.</li>
 *   <li>{@link #FULL}: chain as for {@code CA}, plus the host name (or IP address) must match the
 *       certificate's subject alternative names (libpq {@code verify-full}).</li>
 * </ul>
 */
public enum TlsVerification {
    /** Encrypt only; trust every certificate. */
    NONE,
    /** Check the certificate chain, not the host name. */
    CA,
    /** Check the certificate chain and the host name. */
    FULL
}
