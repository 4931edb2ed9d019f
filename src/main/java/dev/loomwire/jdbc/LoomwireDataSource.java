package dev.loomwire.jdbc;

import dev.loomwire.pg.PgConfig;
import java.io.PrintWriter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens loomwire JDBC connections (no pooling: give it to HikariCP as
 * its {@code dataSource}, or use it directly). Bean properties: {@code url}
 * ({@code jdbc:loomwire:postgresql://...}), {@code user}, {@code password} (both override the
 * URL's), {@code loginTimeout} (seconds, becomes {@code connect_timeout} when the URL has none),
 * and TLS material held in memory, e.g. from a Spring Boot SSL bundle:
 * {@code sslRootCertificates} (instead of an {@code sslrootcert} file) and
 * {@link #setSslClientKey(PrivateKey, List) sslClientKey} with its certificate chain (instead of
 * {@code sslcert}/{@code sslkey} files). {@code toString()} never shows the password.
 */
public class LoomwireDataSource implements DataSource {
    private String url;
    private String user;
    private String password;
    private int loginTimeout;
    private List<X509Certificate> sslRootCertificates;
    private PrivateKey sslClientKey;
    private List<X509Certificate> sslClientCertificateChain;
    private PrintWriter logWriter;

    /** An unconfigured data source: set at least the URL. */
    public LoomwireDataSource() {
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    /** Spring Boot's and HikariCP's name for {@link #setUser}. */
    public void setUsername(String user) {
        this.user = user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public List<X509Certificate> getSslRootCertificates() {
        return sslRootCertificates;
    }

    /** Root certificates to verify the server against, in memory (an alternative to the URL's sslrootcert). */
    public void setSslRootCertificates(List<X509Certificate> certificates) {
        this.sslRootCertificates = certificates == null ? null : List.copyOf(certificates);
    }

    /** A client key and its certificate chain (leaf first), in memory (an alternative to sslcert/sslkey). */
    public void setSslClientKey(PrivateKey key, List<X509Certificate> chain) {
        this.sslClientKey = key;
        this.sslClientCertificateChain = chain == null ? null : List.copyOf(chain);
    }

    /** The client key alone, for bean-style configuration; set {@link #setSslClientCertificateChain} too. */
    public void setSslClientKey(PrivateKey key) {
        this.sslClientKey = key;
    }

    public void setSslClientCertificateChain(List<X509Certificate> chain) {
        this.sslClientCertificateChain = chain == null ? null : List.copyOf(chain);
    }

    /**
     * The configuration connections get, without connecting: checks the URL and settings and
     * throws SQLException (08001) naming the parameter at fault.
     */
    public PgConfig getConfig() throws SQLException {
        return config(user, password);
    }

    private PgConfig config(String user, String password) throws SQLException {
        if (url == null || url.isBlank()) {
            throw new SQLException("LoomwireDataSource: url is not set (jdbc:loomwire:postgresql://host:port/db?...)",
                    JdbcErrors.UNABLE_TO_CONNECT);
        }
        if (!JdbcUrl.accepts(url)) {
            throw new SQLException("LoomwireDataSource: url must start with " + JdbcUrl.PREFIX + "postgresql://",
                    JdbcErrors.UNABLE_TO_CONNECT);
        }
        Properties info = new Properties();
        if (sslRootCertificates != null) {
            info.put(JdbcUrl.SSL_ROOT_CERTIFICATES, sslRootCertificates);
        }
        if (sslClientKey != null || sslClientCertificateChain != null) {
            if (sslClientKey == null || sslClientCertificateChain == null) {
                throw new SQLException("LoomwireDataSource: sslClientKey and sslClientCertificateChain go together",
                        JdbcErrors.UNABLE_TO_CONNECT);
            }
            info.put(JdbcUrl.SSL_CLIENT_KEY, sslClientKey);
            info.put(JdbcUrl.SSL_CLIENT_CHAIN, sslClientCertificateChain);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (user != null) {
            overrides.put("user", user);
        }
        if (password != null) {
            overrides.put("password", password);
        }
        PgConfig probe = JdbcUrl.config(url, info, overrides);
        if (loginTimeout > 0 && !url.contains("connect_timeout")) {
            overrides.put("connect_timeout", Integer.toString(loginTimeout));
            return JdbcUrl.config(url, info, overrides);
        }
        return probe;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return LoomwireDriver.open(url, config(user, password));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return LoomwireDriver.open(url, config(username, password));
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** Kept for the interface; loomwire logs through SLF4J (logger dev.loomwire), not to this writer. */
    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        if (seconds < 0) {
            throw JdbcErrors.invalid("login timeout must be >= 0, got " + seconds);
        }
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw JdbcErrors.unsupported("DataSource.getParentLogger (loomwire logs through SLF4J, logger dev.loomwire)");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return JdbcErrors.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "LoomwireDataSource{url=" + JdbcUrl.withoutSecrets(url) + ", user=" + user
                + (password == null ? "" : ", password=<hidden>") + "}";
    }
}
