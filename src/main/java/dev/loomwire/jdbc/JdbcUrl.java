package dev.loomwire.jdbc;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConfigException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code jdbc:loomwire:postgresql://...} URLs: everything after {@code jdbc:loomwire:} is a libpq
 * URI and goes to {@link PgConfig}'s parser (one definition of every parameter). Properties add
 * {@code user}, {@code password}, any libpq keyword as a string, and in-memory TLS material as
 * objects; parameters in the URL win over Properties, as with pgjdbc.
 */
final class JdbcUrl {
    /** The prefix of every URL the driver accepts. */
    static final String PREFIX = "jdbc:loomwire:";
    /** Properties key: root certificates in memory (List of X509Certificate, or X509Certificate[]). */
    static final String SSL_ROOT_CERTIFICATES = "sslRootCertificates";
    /** Properties key: a client private key in memory (PrivateKey), with {@link #SSL_CLIENT_CHAIN}. */
    static final String SSL_CLIENT_KEY = "sslClientKey";
    /** Properties key: the client key's certificate chain, leaf first (List of X509Certificate, or X509Certificate[]). */
    static final String SSL_CLIENT_CHAIN = "sslClientCertificateChain";

    private JdbcUrl() {}

    static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The configuration for {@code url} and {@code info}, or an SQLException (08001) naming the parameter. */
    static PgConfig config(String url, Properties info) throws SQLException {
        return config(url, info, Map.of());
    }

    /** As {@link #config(String, Properties)}, with {@code overrides} applied after the URL (DataSource setters). */
    static PgConfig config(String url, Properties info, Map<String, String> overrides) throws SQLException {
        String uri = url.substring(PREFIX.length());
        if (!uri.startsWith("postgresql://") && !uri.startsWith("postgres://")) {
            throw new SQLNonTransientConnectionException("URL: expected jdbc:loomwire:postgresql://host:port/database"
                    + "?parameters (the part after jdbc:loomwire: is not a postgresql:// URI; not shown: it may hold a"
                    + " password)", JdbcErrors.UNABLE_TO_CONNECT);
        }
        try {
            PgConfig.Builder b = PgConfig.builder();
            if (info != null) {
                applyProperties(b, info);
            }
            b.conninfo(uri);
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                b.set(e.getKey(), e.getValue());
            }
            return b.build();
        } catch (PgConfigException e) {
            throw JdbcErrors.of(e);
        }
    }

    private static void applyProperties(PgConfig.Builder b, Properties info) throws SQLException {
        Object key = null;
        Object chain = null;
        for (String name : info.stringPropertyNames()) {
            String value = info.getProperty(name);
            try {
                b.set(name, value);
            } catch (PgConfigException e) {
                throw new SQLNonTransientConnectionException("connection property " + e.getMessage(),
                        JdbcErrors.UNABLE_TO_CONNECT, e);
            }
        }
        for (Map.Entry<Object, Object> e : info.entrySet()) {
            if (e.getValue() instanceof String) {
                continue;
            }
            String name = String.valueOf(e.getKey());
            switch (name) {
                case SSL_ROOT_CERTIFICATES -> b.sslRootCertificates(certificates(name, e.getValue()));
                case SSL_CLIENT_KEY -> key = e.getValue();
                case SSL_CLIENT_CHAIN -> chain = e.getValue();
                default -> throw new SQLNonTransientConnectionException("connection property \"" + name
                        + "\": unknown (object values are accepted for " + SSL_ROOT_CERTIFICATES + ", "
                        + SSL_CLIENT_KEY + " and " + SSL_CLIENT_CHAIN + ")", JdbcErrors.UNABLE_TO_CONNECT);
            }
        }
        if (key != null || chain != null) {
            if (!(key instanceof PrivateKey k) || chain == null) {
                throw new SQLNonTransientConnectionException("connection properties " + SSL_CLIENT_KEY + " (a PrivateKey)"
                        + " and " + SSL_CLIENT_CHAIN + " (its certificates) go together", JdbcErrors.UNABLE_TO_CONNECT);
            }
            b.sslClientKey(k, certificates(SSL_CLIENT_CHAIN, chain));
        }
    }

    private static List<X509Certificate> certificates(String name, Object value) throws SQLException {
        List<?> list = value instanceof X509Certificate[] a ? Arrays.asList(a) : value instanceof List<?> l ? l : null;
        if (list == null || list.isEmpty() || !list.stream().allMatch(X509Certificate.class::isInstance)) {
            throw new SQLNonTransientConnectionException("connection property \"" + name + "\": expected a"
                    + " non-empty List of X509Certificate", JdbcErrors.UNABLE_TO_CONNECT);
        }
        return list.stream().map(X509Certificate.class::cast).toList();
    }

    /**
     * {@code url} without secrets: the password of the URI's user info and the {@code password}
     * and {@code sslpassword} query parameters are removed. For getURL() and toString().
     */
    static String withoutSecrets(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return PREFIX + "<not shown>";
        }
        int authorityStart = scheme + 3;
        int query = url.indexOf('?', authorityStart);
        int slash = url.indexOf('/', authorityStart);
        int authorityEnd = slash >= 0 && (query < 0 || slash < query) ? slash : query >= 0 ? query : url.length();
        String authority = url.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                authority = userInfo.substring(0, colon) + authority.substring(at);
            }
        }
        StringBuilder s = new StringBuilder(url.substring(0, authorityStart)).append(authority);
        if (query < 0) {
            return s.append(url, authorityEnd, url.length()).toString();
        }
        s.append(url, authorityEnd, query);
        StringBuilder params = new StringBuilder();
        for (String p : url.substring(query + 1).split("&", -1)) {
            String k = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
            String lower = k.toLowerCase(Locale.ROOT);
            if (lower.equals("password") || lower.equals("sslpassword") || lower.contains("%")) {
                continue;
            }
            params.append(params.isEmpty() ? "" : "&").append(p);
        }
        if (!params.isEmpty()) {
            s.append('?').append(params);
        }
        return s.toString();
    }
}
