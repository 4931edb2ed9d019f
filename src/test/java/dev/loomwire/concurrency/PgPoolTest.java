package dev.loomwire.concurrency;

import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pg.PgQueryCanceledException;
import dev.loomwire.pg.PgServerException;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link PgPool} against PostgreSQL 18 over verify-full TLS. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PgPoolTest {
    private static final PgServer SERVER = TestServers.pg18();
    private static final String TABLE = "pool_test_" + UUID.randomUUID().toString().replace("-", "");

    private static PgPool pool(PoolSettings.Builder settings, Duration commandTimeout) {
        return PgPool.create(PgWorkload.config(SERVER, SERVER.port(), ""), settings.build(), commandTimeout);
    }

    @BeforeAll
    static void createTable() {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(1), Duration.ZERO)) {
            PgWorkload.createTable(pool, TABLE);
        }
    }

    @AfterAll
    static void dropTable() {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(1), Duration.ZERO)) {
            pool.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    @Test
    void queryExecuteAndTransactionsOverTls() {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(2), Duration.ZERO)) {
            assertEquals(42, pool.query("SELECT $1::int + 1", 41).single().getInt(0));
            assertEquals("on", pool.query("SHOW ssl").single().getString(0));
            String id = UUID.randomUUID().toString();
            assertEquals(1, pool.execute("INSERT INTO " + TABLE + " (id, value) VALUES ($1, 'a')", id));
            assertThrows(IllegalStateException.class, () -> pool.inTransaction(c -> {
                c.execute("UPDATE " + TABLE + " SET value = 'b' WHERE id = $1", id);
                throw new IllegalStateException("roll it back");
            }));
            assertEquals("a", pool.query("SELECT value FROM " + TABLE + " WHERE id = $1", id).single().getString(0));
            assertThrows(PgServerException.class, () -> pool.query("SELECT * FROM no_such_table"));
            assertEquals(1, pool.query("SELECT 1").single().getInt(0), "a server error leaves the connection usable");
            assertEquals(1, pool.stats().total());
        }
    }

    @Test
    void aTransactionLeftOpenIsRolledBackBeforeTheConnectionIsLentAgain() {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(1), Duration.ZERO)) {
            String id = UUID.randomUUID().toString();
            pool.withConnection(c -> {
                c.begin();
                return c.execute("INSERT INTO " + TABLE + " (id, value) VALUES ($1, 'x')", id);
            });
            assertEquals('I', pool.withConnection(PgConnection::transactionStatus));
            assertEquals(0, pool.query("SELECT 1 FROM " + TABLE + " WHERE id = $1", id).size());
        }
    }

    @Test
    void commandTimeoutCancelsTheStatementAndKeepsTheConnection() {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(1), Duration.ofMillis(500))) {
            int pid = pool.query("SELECT pg_backend_pid()").single().getInt(0);
            long t0 = System.nanoTime();
            PgQueryCanceledException e = assertThrows(PgQueryCanceledException.class, () -> pool.query("SELECT pg_sleep(10)"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 450 && ms < 5_000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("command_timeout of 500 ms reached"), e.getMessage());
            assertEquals("57014", e.sqlState());
            assertEquals(pid, pool.query("SELECT pg_backend_pid()").single().getInt(0), "same session, still usable");
            assertEquals(1, pool.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void closedPoolRefusesCalls() {
        PgPool pool = pool(PoolSettings.builder(), Duration.ZERO);
        pool.query("SELECT 1");
        pool.close();
        assertThrows(PoolClosedException.class, () -> pool.query("SELECT 1"));
        assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
    }

    @Test
    void thousandVirtualThreadsMixedStatementsOverTlsGetOnlyTheirOwnResults() throws Exception {
        try (PgPool pool = pool(PoolSettings.builder().maxSize(20).acquireTimeout(Duration.ofSeconds(60)), Duration.ofSeconds(30))) {
            PgWorkload.Result r = PgWorkload.run(pool, TABLE, 1000, "mixed-" + UUID.randomUUID());
            assertTrue(r.mismatches().isEmpty() && r.failures().isEmpty(), r.summary());
            PoolStats s = pool.stats();
            assertEquals(0, s.inUse(), "leaked: " + s);
            assertEquals(0, s.waiting(), s.toString());
            assertEquals(s.total(), s.idle(), s.toString());
            assertTrue(s.total() <= 20, s.toString());
        }
    }
}
