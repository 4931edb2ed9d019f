package dev.loomwire.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HikariCP on the driver: found by URL, validation, eviction of a killed connection, a DataSource with in-memory TLS roots. */
class JdbcHikariTest {
    private static final PgServer SERVER = TestServers.pg18();

    private static HikariDataSource pool(String url) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(PgServer.USER);
        c.setPassword(PgServer.PASSWORD);
        c.setMaximumPoolSize(1);
        c.setMinimumIdle(0);
        c.setPoolName("jdbc-test");
        return new HikariDataSource(c);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Ends backend {@code pid} from a second connection, as an administrator would. */
    private static void terminate(int pid) throws SQLException {
        try (Connection admin = JdbcTests.connect(SERVER);
             PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next() && rs.getBoolean(1), "backend " + pid + " terminated");
            }
        }
    }

    @Test
    void hikariEvictsAConnectionKilledByPgTerminateBackend() throws Exception {
        try (HikariDataSource ds = pool(JdbcTests.url(SERVER, ""))) {
            int killed;
            try (Connection c = ds.getConnection()) {
                killed = pid(c);
            }
            terminate(killed);
            // Hikari may notice the dead connection on borrow (isValid) or when the next statement fails.
            int next;
            try (Connection c = ds.getConnection()) {
                try {
                    next = pid(c);
                } catch (SQLException e) {
                    assertTrue(e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"), e.getSQLState());
                    next = -1;
                }
            }
            if (next == -1) {
                try (Connection c = ds.getConnection()) {
                    next = pid(c);
                }
            }
            assertNotEquals(killed, next, "a new backend after the eviction");
            assertEquals(1, ds.getHikariPoolMXBean().getTotalConnections());
        }
    }

    @Test
    void hikariEvictsOnTheFailingStatement() throws Exception {
        try (HikariDataSource ds = pool(JdbcTests.url(SERVER, ""))) {
            int killed;
            try (Connection c = ds.getConnection()) {
                killed = pid(c);
                terminate(killed);
                SQLException e = assertThrows(SQLException.class, () -> pid(c));
                assertTrue(e.getSQLState().equals("57P01") || e.getSQLState().startsWith("08"), e.getSQLState());
            }
            try (Connection c = ds.getConnection()) {
                assertNotEquals(killed, pid(c));
            }
        }
    }

    @Test
    void dataSourceWithInMemoryRootCertificates() throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(TestCerts.file("ca.crt"))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        LoomwireDataSource lds = new LoomwireDataSource();
        lds.setUrl("jdbc:loomwire:postgresql://" + SERVER.host() + ":" + SERVER.port() + "/loomwire?sslmode=verify-full");
        lds.setSslRootCertificates(List.of(ca));
        HikariConfig c = new HikariConfig();
        c.setDataSource(lds);
        c.setUsername(PgServer.USER);
        c.setPassword(PgServer.PASSWORD);
        c.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(c); Connection conn = ds.getConnection()) {
            assertTrue(conn.unwrap(PgConnection.class).tls().isPresent());
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
            }
        }
    }
}
