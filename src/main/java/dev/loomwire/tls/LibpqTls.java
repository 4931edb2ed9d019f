package dev.loomwire.tls;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one place where libpq's TLS parameter names become {@link TlsConfig} settings, for the
 * PostgreSQL driver ({@code PgConfig}), the Redis URI ({@code rediss://...?sslrootcert=...}),
 * Spring Boot and {@code probe} alike (pgx's {@code configTLS} plays this role there):
 *
 * <table>
 *   <caption>libpq parameter to TLS setting</caption>
 *   <tr><th>parameter</th><th>setting</th></tr>
 *   <tr><td>{@code sslrootcert}</td><td>{@code system}: {@link TrustSource.OperatingSystem}; a path:
 *       {@link TrustSource.PemFile}</td></tr>
 *   <tr><td>{@code sslcert}, {@code sslkey}, {@code sslpassword}</td><td>{@link ClientIdentity.CertificateAndKeyFiles}</td></tr>
 *   <tr><td>{@code sslcrl}, {@code sslcrldir}</td><td>{@link TlsConfig.Builder#crl}, full-chain CRL check</td></tr>
 *   <tr><td>{@code sslsni}</td><td>{@code 1} (default): send the host as SNI unless it is an IP
 *       literal; {@code 0}: send none</td></tr>
 *   <tr><td>{@code sslservername} (loomwire)</td><td>send this name as SNI instead of the host</td></tr>
 *   <tr><td>{@code ssl_min_protocol_version}, {@code ssl_max_protocol_version}</td><td>{@code TLSv1.2} or
 *       {@code TLSv1.3}</td></tr>
 * </table>
 *
 * <p>What each driver adds on top stays with it: PostgreSQL's sslmode (verification level, libpq's
 * {@link VerificationRules}), its default files under {@code ~/.postgresql} and the checks libpq
 * makes before connecting; Redis's {@code sslverify}, key and trust stores.
 */
public final class LibpqTls {
    /** The parameter names {@link #apply} understands. */
    public static final List<String> PARAMETERS = List.of("sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl",
            "sslcrldir", "sslsni", "sslservername", "ssl_min_protocol_version", "ssl_max_protocol_version");

    private LibpqTls() {}

    /**
     * Sets on {@code b} what the parameters present in {@code params} say; names not present (or
     * not in {@link #PARAMETERS}) leave the builder as it is. {@code sslpassword} without
     * {@code sslkey} is ignored, as in libpq.
     *
     * @throws IllegalArgumentException naming the parameter whose value is unusable
     */
    public static TlsConfig.Builder apply(Map<String, String> params, TlsConfig.Builder b) {
        String root = params.get("sslrootcert");
        if (root != null && !root.isEmpty()) {
            if (root.equals("system")) {
                b.trustSystem();
            } else {
                b.trustPemFile(path("sslrootcert", root));
            }
        }
        String cert = params.get("sslcert");
        String key = params.get("sslkey");
        if (cert != null || key != null) {
            if (cert == null || key == null) {
                throw new IllegalArgumentException(cert == null ? "sslkey needs sslcert" : "sslcert needs sslkey");
            }
            String password = params.get("sslpassword");
            b.clientCertificate(path("sslcert", cert), path("sslkey", key), password == null ? null : password.toCharArray());
        }
        for (String crl : new String[] {"sslcrl", "sslcrldir"}) {
            String v = params.get(crl);
            if (v != null && !v.isEmpty()) {
                b.crl(path(crl, v));
            }
        }
        String sni = params.get("sslsni");
        if (sni != null) {
            b.sni(switch (sni) {
                case "1" -> true;
                case "0" -> false;
                default -> throw new IllegalArgumentException("sslsni must be 0 or 1 (as in libpq), got \"" + sni
                        + "\"" + (sni.isEmpty() || sni.chars().allMatch(Character::isDigit) ? ""
                                : "; to send a different SNI name, use sslservername=" + sni));
            });
        }
        String serverName = params.get("sslservername");
        if (serverName != null) {
            if (serverName.isEmpty()) {
                throw new IllegalArgumentException("sslservername is empty: expected the host name to send as SNI");
            }
            b.sniName(serverName);
        }
        String min = params.get("ssl_min_protocol_version");
        if (min != null && !min.isEmpty()) {
            b.minProtocol(min);
        }
        String max = params.get("ssl_max_protocol_version");
        if (max != null && !max.isEmpty()) {
            b.maxProtocol(max);
        }
        return b;
    }

    /** The path a file parameter names; fails naming the parameter when it is empty or not a valid path. */
    public static Path path(String name, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty: expected a file path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " \"" + value + "\" is not a valid path: " + e.getMessage(), e);
        }
    }
}
