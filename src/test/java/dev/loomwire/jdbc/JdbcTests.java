package dev.loomwire.jdbc;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Shared set-up for the JDBC tests: URLs for the harness servers, over TLS with verify-full. */
final class JdbcTests {
    private JdbcTests() {}

    /** {@code jdbc:loomwire:postgresql://127.0.0.1:port/loomwire?sslmode=verify-full&sslrootcert=ca.crt...} plus {@code extra} ("&k=v"). */
    static String url(PgServer s, String extra) {
        return "jdbc:loomwire:postgresql://" + s.host() + ":" + s.port() + "/loomwire?sslmode=verify-full&sslrootcert="
                + TestCerts.file("ca.crt") + "&connect_timeout=20" + extra;
    }

    /** A connection through DriverManager as user loomwire. */
    static Connection connect(PgServer s) throws SQLException {
        return DriverManager.getConnection(url(s, ""), PgServer.USER, PgServer.PASSWORD);
    }
}
