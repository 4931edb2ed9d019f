package dev.loomwire.pg;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;

/** The same client API tests against the real PostgreSQL 15. */
class PgClientApiOnPg15Test extends PgClientApiTest {
    @Override
    PgServer server() {
        return TestServers.pg15();
    }
}
