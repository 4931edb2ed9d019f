package dev.loomwire.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Connect failures of each category become the SQLException subclass and SQLSTATE a pool or Spring acts on. */
class JdbcErrorsTest {
    private static final PgServer SERVER = TestServers.pg18();

    private static SQLException failing(String url) {
        return assertThrows(SQLException.class, () -> DriverManager.getConnection(url, PgServer.USER, PgServer.PASSWORD));
    }

    private static LoomwireException cause(SQLException e) {
        return assertInstanceOf(LoomwireException.class, e.getCause(), "loomwire's exception is the cause");
    }

    @Test
    void refusedPortIsATransientConnectFailure() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SQLException e = failing("jdbc:loomwire:postgresql://127.0.0.1:" + port + "/loomwire?sslmode=require&connect_timeout=5");
        assertInstanceOf(SQLTransientConnectionException.class, e);
        assertEquals("08001", e.getSQLState());
        assertEquals(ErrorCategory.CONNECT, cause(e).category());
        assertTrue(cause(e).safeToRetry());
    }

    @Test
    void untrustedServerCertificateIsAConnectFailureWithItsTlsKind() {
        SQLException e = failing(JdbcTests.url(SERVER, "").replace(TestCerts.file("ca.crt").toString(),
                TestCerts.file("other-ca.crt").toString()));
        assertInstanceOf(SQLTransientConnectionException.class, e);
        assertEquals("08001", e.getSQLState());
        assertEquals(ErrorCategory.CONNECT, cause(e).category());
        assertTrue(cause(e).tlsFailure().isPresent(), "the TLS failure kind travels with it");
    }

    @Test
    void unreadableRootCertificateFileIsAConfigurationError() {
        SQLException e = failing(JdbcTests.url(SERVER, "").replace(TestCerts.file("ca.crt").toString(),
                "/nonexistent/root.crt"));
        assertInstanceOf(SQLNonTransientConnectionException.class, e);
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("sslrootcert"), e.getMessage());
        assertEquals(ErrorCategory.CONFIGURATION, cause(e).category());
    }

    @Test
    void wrongPasswordIsAnAuthorizationError() {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(JdbcTests.url(SERVER, ""), PgServer.USER, "not-the-password"));
        assertInstanceOf(SQLInvalidAuthorizationSpecException.class, e);
        assertEquals("28P01", e.getSQLState());
        assertFalse(e.getMessage().contains("not-the-password"));
    }
}
