package dev.loomwire.pg;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;

/** The same query tests against the real PostgreSQL 15. */
class PgQueryOnPg15Test extends PgQueryTest {
    @Override
    PgServer server() {
        return TestServers.pg15();
    }
}
