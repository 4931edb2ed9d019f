package dev.loomwire.jdbc;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;

/** The same plain-JDBC tests against the real PostgreSQL 15 over TLS. */
class JdbcDriverOnPg15Test extends JdbcDriverTest {
    @Override
    PgServer server() {
        return TestServers.pg15();
    }
}
