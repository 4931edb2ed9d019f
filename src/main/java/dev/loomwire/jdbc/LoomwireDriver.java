package dev.loomwire.jdbc;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * loomwire's JDBC driver for PostgreSQL: URLs {@code jdbc:loomwire:postgresql://host:port[,host2:port2]/db?sslmode=...}
 * with every libpq parameter loomwire's {@link PgConfig} accepts (sslmode, sslrootcert, sslcert,
 * sslkey, sslcrl, sslnegotiation=direct, target_session_attrs, load_balance_hosts,
 * connect_timeout...). Properties {@code user}, {@code password} and any libpq keyword merge in
 * (the URL wins); in-memory TLS material rides in Properties as objects:
 * {@value JdbcUrl#SSL_ROOT_CERTIFICATES} (List of X509Certificate), {@value JdbcUrl#SSL_CLIENT_KEY}
 * (PrivateKey) with {@value JdbcUrl#SSL_CLIENT_CHAIN} (List of X509Certificate).
 *
 * <p>Registered with {@link DriverManager} through {@code META-INF/services/java.sql.Driver} (class
 * path) and {@code provides java.sql.Driver} (module path), and by loading this class.
 * {@link #connect} returns null for URLs of other drivers. {@link #jdbcCompliant()} is false: the
 * driver passes no JDBC conformance suite and leaves out parts of the specification (scrollable
 * and updatable result sets, {@code java.sql.Array}/{@code Blob}/{@code Clob} objects, OUT
 * parameters other than a function's result), which throw {@link SQLFeatureNotSupportedException}.
 */
public final class LoomwireDriver implements Driver {
    /** Driver name reported by DatabaseMetaData. */
    public static final String NAME = "loomwire JDBC";
    /** Driver major version. */
    public static final int MAJOR_VERSION = 0;
    /** Driver minor version. */
    public static final int MINOR_VERSION = 1;

    static {
        try {
            DriverManager.registerDriver(new LoomwireDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** For ServiceLoader and DriverManager; applications use DriverManager or {@link LoomwireDataSource}. */
    public LoomwireDriver() {
    }

    /**
     * Opens a connection, or returns null if {@code url} is not a {@code jdbc:loomwire:} URL. A bad
     * URL or parameter throws SQLException (08001) naming the parameter, never showing a password.
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return open(url, JdbcUrl.config(url, info));
    }

    /** Connects with a finished configuration; {@code url} is kept (without secrets) for getURL()/toString(). */
    static LoomwireConnection open(String url, PgConfig config) throws SQLException {
        PgConnection pg;
        try {
            pg = PgConnection.connect(config);
        } catch (RuntimeException e) {
            throw JdbcErrors.of(e);
        }
        return new LoomwireConnection(pg, url);
    }

    @Override
    public boolean acceptsURL(String url) {
        return JdbcUrl.accepts(url);
    }

    /**
     * The parameters a URL may carry: user, password and the libpq keywords most often set, with
     * the values parsed from {@code url} and {@code info} (the password is never echoed).
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        PgConfig c = acceptsURL(url) ? JdbcUrl.config(url, info) : null;
        List<DriverPropertyInfo> out = List.of(
                property("user", c == null ? null : c.user(), true, "PostgreSQL user name"),
                property("password", null, false, "password (not shown)"),
                property("dbname", c == null ? null : c.database(), false, "database name"),
                choice("sslmode", c == null ? null : c.sslMode().keyword(), "libpq sslmode",
                        "disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
                property("sslrootcert", c == null ? null : c.sslRootCert().orElse(null), false,
                        "root certificate file (PEM), or \"system\""),
                property("sslcert", c == null ? null : c.sslCert().map(Object::toString).orElse(null), false,
                        "client certificate file (PEM)"),
                property("sslkey", c == null ? null : c.sslKey().map(Object::toString).orElse(null), false,
                        "client key file (PEM or DER, PKCS#1/#8, encrypted with sslpassword)"),
                choice("sslnegotiation", c == null ? null : c.sslNegotiation().name().toLowerCase(java.util.Locale.ROOT),
                        "postgres (SSLRequest first) or direct (TLS at once, ALPN postgresql)", "postgres", "direct"),
                property("connect_timeout", c == null ? null : Long.toString(c.connectTimeout().toSeconds()), false,
                        "seconds per host; 0 waits indefinitely"),
                choice("target_session_attrs", c == null ? null : c.targetSessionAttrs().keyword(),
                        "which server of a host list to accept", "any", "read-write", "read-only", "primary",
                        "standby", "prefer-standby"),
                property("application_name", c == null ? null : c.applicationName().orElse(null), false,
                        "application_name reported to the server"));
        return out.toArray(DriverPropertyInfo[]::new);
    }

    private static DriverPropertyInfo property(String name, String value, boolean required, String description) {
        DriverPropertyInfo p = new DriverPropertyInfo(name, value);
        p.required = required;
        p.description = description;
        return p;
    }

    private static DriverPropertyInfo choice(String name, String value, String description, String... choices) {
        DriverPropertyInfo p = property(name, value, false, description);
        p.choices = choices;
        return p;
    }

    @Override
    public int getMajorVersion() {
        return MAJOR_VERSION;
    }

    @Override
    public int getMinorVersion() {
        return MINOR_VERSION;
    }

    /** False: see the class comment for what of JDBC is left out. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** loomwire logs through SLF4J, not java.util.logging. */
    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw JdbcErrors.unsupported("Driver.getParentLogger (loomwire logs through SLF4J, logger dev.loomwire)");
    }
}
