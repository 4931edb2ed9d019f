package dev.loomwire.tls;

/**
 * Whose rules decide whether a server certificate is acceptable, beyond the chain's signatures
 * and validity dates (which both check the same way).
 *
 * <table>
 *   <caption>What differs</caption>
 *   <tr><th></th><th>{@link #JDK}</th><th>{@link #LIBPQ}</th></tr>
 *   <tr><td>trust anchor</td><td>any trusted certificate, also an intermediate CA</td>
 *       <td>only a self-signed certificate among the trusted ones (OpenSSL without partial chains);
 *       trusted intermediates only help to build the chain</td></tr>
 *   <tr><td>host names ({@link TlsVerification#FULL})</td><td>RFC 2818/6125 as for HTTPS: IP hosts only
 *       against iPAddress SANs, the CN never when DNS SANs exist, partial wildcards, trailing dot ignored</td>
 *       <td>libpq's: SANs of the host's type exclude the CN; an IP host also matches a dNSName or CN
 *       spelling it; wildcards only as a whole leftmost {@code *.} label; names compared exactly
 *       (case-insensitively), so a trailing dot must match too</td></tr>
 * </table>
 */
public enum VerificationRules {
    /** The JDK's PKIX and HTTPS endpoint identification (and OpenSSL's X509_check_host, which Redis peers use). */
    JDK,
    /** libpq's, for PostgreSQL: self-signed anchors only, libpq's host-name matching. */
    LIBPQ
}
