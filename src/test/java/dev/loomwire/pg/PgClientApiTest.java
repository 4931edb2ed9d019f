package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API the JDBC driver builds on, against the real PostgreSQL 18: cursors with a fetch size,
 * pipelined batches, describe without running, result metadata, typed parameters, network
 * timeout, abort and validity checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgClientApiTest {
    /** The server under test; PgClientApiOnPg15Test overrides it (called while the instance is built). */
    PgServer server() {
        return TestServers.pg18();
    }

    private final PgServer server = server();
    private final PgConnection conn = PgTests.connect(server, "");

    @AfterAll
    void closeConnection() {
        conn.close();
    }

    private PgConnection fresh() {
        return PgTests.connect(server, "");
    }

    // ---------------------------------------------------------------- cursor

    @Test
    void cursorInsideATransactionFetchesFetchSizeRowsPerRoundTrip() {
        conn.begin();
        try {
            long writesBefore = conn.writeCount();
            try (PgCursor c = conn.cursor("SELECT i, 'row ' || i AS label FROM generate_series(1, $1) i",
                    List.of(1000), 100)) {
                assertEquals(List.of("i", "label"), c.columns().stream().map(PgColumn::name).toList());
                assertEquals(1, conn.writeCount() - writesBefore, "the first 100 rows come with the first request");
                long sum = 0;
                int rows = 0;
                for (PgRow r = c.next(); r != null; r = c.next()) {
                    rows++;
                    sum += r.getInt(0);
                    if (rows == 150) {
                        // the connection is free between fetches
                        assertEquals(7, conn.query("SELECT 7").single().getInt(0));
                    }
                }
                assertEquals(1000, rows);
                assertEquals(500500, sum);
                assertTrue(c.isDone());
                assertTrue(c.commandTag().startsWith("SELECT"), c.commandTag());
                long fetchRequests = conn.writeCount() - writesBefore - 1; // minus the SELECT 7
                assertTrue(fetchRequests >= 10, "1000 rows at 100 per fetch need at least 10 requests, saw "
                        + fetchRequests);
            }
            assertEquals(0L, conn.query("SELECT count(*) FROM pg_cursors WHERE name LIKE 'lw_p%'").single().getLong(0),
                    "the completed portal is closed with the next request");
        } finally {
            conn.rollback();
        }
    }

    @Test
    void cursorInAutoCommitReadsTheWholeResultAtOnce() {
        long writesBefore = conn.writeCount();
        try (PgCursor c = conn.cursor("SELECT i FROM generate_series(1, 500) i", List.of(), 10)) {
            assertEquals(1, conn.writeCount() - writesBefore);
            int rows = 0;
            while (c.next() != null) {
                rows++;
            }
            assertEquals(500, rows);
            assertEquals("SELECT 500", c.commandTag());
            assertEquals(1, conn.writeCount() - writesBefore, "no further round trips");
        }
    }

    @Test
    void cursorForAStatementWithoutRowsReportsItsCount() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS cursor_upd (x int)");
        conn.execute("INSERT INTO cursor_upd SELECT generate_series(1, 3)");
        conn.begin();
        try (PgCursor c = conn.cursor("UPDATE cursor_upd SET x = x + $1", List.of(1), 50)) {
            assertTrue(c.columns().isEmpty());
            assertNull(c.next());
            assertEquals(3, c.affectedRows());
        } finally {
            conn.rollback();
        }
    }

    @Test
    void serverErrorMidCursorIsThrownByNextAndTheConnectionStaysUsable() {
        conn.begin();
        try (PgCursor c = conn.cursor("SELECT 1 / (i - 450) FROM generate_series(1, 1000) i", List.of(), 100)) {
            PgServerException e = assertThrows(PgServerException.class, () -> {
                while (c.next() != null) {
                    // drain until the division by zero at row 450
                }
            });
            assertEquals("22012", e.sqlState());
            assertTrue(c.rowsRead() >= 400 && c.rowsRead() < 450, "rows before the failing fetch: " + c.rowsRead());
            assertEquals('E', conn.transactionStatus());
        } finally {
            conn.rollback();
        }
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
    }

    @Test
    void closingACursorEarlyClosesItsPortalWithTheNextRequest() {
        conn.begin();
        try {
            PgCursor c = conn.cursor("SELECT i FROM generate_series(1, 1000) i", List.of(), 10);
            assertNotNull(c.next());
            c.close();
            assertThrows(PgException.class, c::next);
            long writes = conn.writeCount();
            assertEquals(0L, conn.query("SELECT count(*) FROM pg_cursors WHERE name LIKE 'lw_p%'").single().getLong(0),
                    "the Close travels with this query");
            assertEquals(1, conn.writeCount() - writes);
        } finally {
            conn.rollback();
        }
    }

    // ---------------------------------------------------------------- batch

    @Test
    void aBatchOfThousandInsertsIsOneWriteAndOneRoundTrip() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS batch_thousand (id int PRIMARY KEY, name text)");
        conn.execute("TRUNCATE batch_thousand");
        List<List<?>> sets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sets.add(List.of(i, "name " + i));
        }
        long writes = conn.writeCount();
        PgBatchResult r = conn.executeBatch("INSERT INTO batch_thousand VALUES ($1, $2)", sets);
        assertEquals(1, conn.writeCount() - writes, "Parse, 1000 × Bind/Execute and Sync in one write");
        PgBatchResult.Completed done = assertInstanceOf(PgBatchResult.Completed.class, r);
        assertEquals(1000, done.updateCounts().length);
        for (long n : done.updateCounts()) {
            assertEquals(1, n);
        }
        assertEquals(1000L, conn.query("SELECT count(*) FROM batch_thousand").single().getLong(0));
        // the statement is cached now: a second batch sends no Parse and still one write
        int cached = conn.preparedStatementCount();
        conn.execute("TRUNCATE batch_thousand");
        writes = conn.writeCount();
        conn.executeBatch("INSERT INTO batch_thousand VALUES ($1, $2)", sets).orThrow();
        assertEquals(1, conn.writeCount() - writes);
        assertEquals(cached, conn.preparedStatementCount());
    }

    @Test
    void aBatchWhoseRepliesOutgrowTheSocketBuffersDoesNotDeadlock() {
        // 10 MB each way: the server's replies fill the buffers long before it has read the request
        String big = "x".repeat(2000);
        List<List<?>> sets = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            sets.add(List.of(big));
        }
        long writes = conn.writeCount();
        PgBatchResult r = conn.executeBatch("SELECT $1::text", sets);
        assertEquals(5000, r.orThrow().updateCounts().length);
        assertEquals(1, conn.writeCount() - writes);
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
    }

    @Test
    void aFailingBatchStatementNamesItsIndexAndRollsBackTheImplicitTransaction() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS batch_fail (id int PRIMARY KEY)");
        conn.execute("TRUNCATE batch_fail");
        PgBatchResult r = conn.executeBatch("INSERT INTO batch_fail VALUES ($1)",
                List.of(List.of(1), List.of(2), List.of(3), List.of(2), List.of(5)));
        PgBatchResult.Failed f = assertInstanceOf(PgBatchResult.Failed.class, r);
        assertEquals(3, f.failedIndex());
        assertArrayEquals(new long[] {1, 1, 1}, f.updateCounts());
        assertEquals("23505", f.error().sqlState());
        assertInstanceOf(PgIntegrityConstraintException.class, f.error());
        assertThrows(PgIntegrityConstraintException.class, r::orThrow);
        assertEquals('I', conn.transactionStatus());
        assertEquals(0L, conn.query("SELECT count(*) FROM batch_fail").single().getLong(0),
                "one Sync: the statements before the failure were rolled back");
    }

    @Test
    void aBatchOfDifferentStatementsRunsInOrder() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS batch_mixed (id int, v text)");
        conn.execute("TRUNCATE batch_mixed");
        PgBatchResult r = conn.executeBatch(List.of(
                PgStatement.of("INSERT INTO batch_mixed VALUES ($1, $2), ($3, $4)", 1, "a", 2, "b"),
                PgStatement.of("UPDATE batch_mixed SET v = $1 WHERE id >= $2", "z", 1),
                PgStatement.of("DELETE FROM batch_mixed WHERE id = $1", 2),
                PgStatement.of("INSERT INTO batch_mixed VALUES ($1, NULL)", PgParam.typed(Oid.INT4, null))));
        assertArrayEquals(new long[] {2, 2, 1, 1}, r.orThrow().updateCounts());
        assertEquals(List.of("z"), conn.query("SELECT v FROM batch_mixed WHERE id = 1").rows().stream()
                .map(x -> x.getString(0)).toList());
    }

    @Test
    void aBatchInsideATransactionLeavesItFailed() {
        conn.begin();
        try {
            PgBatchResult r = conn.executeBatch(List.of(PgStatement.of("SELECT 1"), PgStatement.of("SELECT 1/0"),
                    PgStatement.of("SELECT 2")));
            assertEquals(1, assertInstanceOf(PgBatchResult.Failed.class, r).failedIndex());
            assertEquals('E', conn.transactionStatus());
        } finally {
            conn.rollback();
        }
    }

    // ---------------------------------------------------------------- describe and metadata

    @Test
    void describeGivesParameterTypesAndColumnsWithoutRunning() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS described (id int8 PRIMARY KEY, price numeric(10,2),"
                + " code varchar(20), at timestamp(3))");
        PgStatementDescription d = conn.describe(
                "SELECT id, price, code, at, 1 AS computed FROM described WHERE id = $1 AND code = $2");
        assertEquals(List.of(Oid.INT8, Oid.TEXT), d.parameterTypes(), "varchar = $2 resolves $2 as text");
        PgColumn id = d.columns().get(0);
        assertEquals("id", id.name());
        assertEquals("int8", id.typeName());
        assertNotEquals(0, id.tableOid());
        assertEquals(1, id.columnNumber());
        PgColumn price = d.columns().get(1);
        assertEquals(10, price.precision());
        assertEquals(2, price.scale());
        assertEquals(20, d.columns().get(2).length());
        assertEquals(3, d.columns().get(3).precision());
        PgColumn computed = d.columns().get(4);
        assertEquals(0, computed.tableOid());
        assertEquals(-1, computed.precision());
        assertTrue(conn.describe("INSERT INTO described (id) VALUES ($1)").columns().isEmpty());
        assertEquals(List.of(Oid.INT8), conn.describe("SELECT $1", PgParam.typed(Oid.INT8, null)).parameterTypes());
        assertEquals(0L, conn.query("SELECT count(*) FROM described").single().getLong(0), "nothing ran");
    }

    @Test
    void typedParametersCarryTheirOid() {
        PgRow r = conn.query("SELECT pg_typeof($1)::text, $1 IS NULL, pg_typeof($2)::text, $2 + 1",
                PgParam.typed(Oid.INT4, null), PgParam.typed(Oid.INT8, "41")).single();
        assertEquals("integer", r.getString(0));
        assertTrue(r.getBoolean(1));
        assertEquals("bigint", r.getString(2));
        assertEquals(42L, r.get(3, Long.class));
    }

    // ---------------------------------------------------------------- types

    @Test
    void intervalTimetzInetAndTheRestDecode() throws Exception {
        PgRow r = conn.query("SELECT interval '1 year 2 mons 3 days 04:05:06.789' AS i, interval '-1 day +02:00' AS neg,"
                + " timetz '04:05:06.5+05:30' AS tz, inet '192.168.1.7/24' AS ip, cidr '10.1.0.0/16' AS net,"
                + " inet '::1' AS ip6, 12.34::money AS m, int4range(1, 10) AS rng, ROW(1, 'a b') AS comp").single();
        assertEquals(new PgInterval(14, 3, 14_706_789_000L), r.get("i"));
        assertEquals(new PgInterval(0, -1, 7_200_000_000L), r.get("neg", PgInterval.class));
        assertEquals(Duration.ofDays(-1).plusHours(2), r.get("neg", Duration.class));
        assertEquals(OffsetTime.of(4, 5, 6, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30)), r.get("tz"));
        assertEquals("192.168.1.7", r.get("ip", InetAddress.class).getHostAddress());
        assertEquals("192.168.1.7/24", r.getString("ip"));
        assertEquals("10.1.0.0", r.get("net", InetAddress.class).getHostAddress());
        assertTrue(r.get("ip6", InetAddress.class).isLoopbackAddress());
        assertTrue(r.getString("m").contains("12.34"), r.getString("m"));
        assertEquals("[1,10)", r.get("rng"));
        assertEquals("(1,\"a b\")", r.getString("comp"));
        // the same values go back as parameters
        PgRow back = conn.query("SELECT $1::interval = interval '1 year 2 mons 3 days 04:05:06.789',"
                        + " $2::timetz = timetz '04:05:06.5+05:30', $3::inet = inet '192.168.1.7', $4::interval",
                new PgInterval(14, 3, 14_706_789_000L), OffsetTime.of(4, 5, 6, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30)),
                InetAddress.getByName("192.168.1.7"), Duration.ofMinutes(90)).single();
        assertTrue(back.getBoolean(0));
        assertTrue(back.getBoolean(1));
        assertTrue(back.getBoolean(2));
        assertEquals(Duration.ofMinutes(90), back.get(3, Duration.class));
    }

    @Test
    void enumsAndHstoreAsTextAndAsMaps() {
        conn.execute("DO $$ BEGIN CREATE TYPE api_mood AS ENUM ('sad', 'happy'); EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        conn.execute("CREATE EXTENSION IF NOT EXISTS hstore");
        PgRow r = conn.query("SELECT 'happy'::api_mood AS mood, 'a=>1, \"b c\"=>NULL'::hstore AS h").single();
        assertEquals("happy", r.get("mood"));
        assertEquals("\"a\"=>\"1\", \"b c\"=>NULL", r.get("h"), "hstore is text without a codec");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "1");
        expected.put("b c", null);
        assertEquals(expected, r.get("h", Map.class));

        enum Mood { SAD, HAPPY }
        PgCodec<Mood> moodCodec = new PgCodec<>() {
            @Override
            public Class<Mood> javaType() {
                return Mood.class;
            }

            @Override
            public Mood decodeText(String text) {
                return Mood.valueOf(text.toUpperCase(java.util.Locale.ROOT));
            }

            @Override
            public String encodeText(Mood value) {
                return value.name().toLowerCase(java.util.Locale.ROOT);
            }
        };
        PgCodecRegistry codecs = PgCodecRegistry.defaults().with("hstore", PgCodecRegistry.hstore())
                .with("api_mood", moodCodec);
        try (PgConnection c = PgConnection.connect(PgTests.config(PgTests.conninfo(server, "")), codecs)) {
            PgRow typed = c.query("SELECT 'happy'::api_mood, 'a=>1, \"b c\"=>NULL'::hstore, pg_typeof($1)::text,"
                    + " pg_typeof($2)::text, $2 -> 'k'", Mood.SAD, Map.of("k", "v\"q")).single();
            assertEquals(Mood.HAPPY, typed.get(0));
            assertEquals(expected, typed.get(1));
            assertEquals("api_mood", typed.getString(2));
            assertEquals("hstore", typed.getString(3));
            assertEquals("v\"q", typed.getString(4));
            assertSame(codecs, c.codecs());
        }
    }

    /** Cents as int8: a codec that speaks both formats. */
    record Cents(long value) {}

    @Test
    void aCodecByOidWithABinaryFormatIsUsedBothWays() {
        PgCodec<Cents> cents = new PgCodec<>() {
            @Override
            public Class<Cents> javaType() {
                return Cents.class;
            }

            @Override
            public Cents decodeText(String text) {
                return new Cents(Long.parseLong(text));
            }

            @Override
            public String encodeText(Cents value) {
                return Long.toString(value.value());
            }

            @Override
            public boolean binary() {
                return true;
            }

            @Override
            public Cents decodeBinary(byte[] v) {
                return new Cents(java.nio.ByteBuffer.wrap(v).getLong());
            }

            @Override
            public byte[] encodeBinary(Cents value) {
                return java.nio.ByteBuffer.allocate(8).putLong(value.value()).array();
            }
        };
        try (PgConnection c = PgConnection.connect(PgTests.config(PgTests.conninfo(server, "")),
                PgCodecRegistry.defaults().with(Oid.INT8, cents))) {
            for (int run = 0; run < 2; run++) { // first run text results, then binary
                PgRow r = c.query("SELECT $1 + 1 AS next, pg_typeof($1)::text", new Cents(41)).single();
                assertEquals(new Cents(42), r.get("next"));
                assertEquals(run, r.columns().get(0).format());
                assertEquals("bigint", r.getString(1));
            }
        }
    }

    @Test
    void numbersConvertToTheRequestedClass() {
        PgRow r = conn.query("SELECT 42::int4, 7::int8, 2.50::numeric, 1::int2").single();
        assertEquals(42L, r.get(0, Long.class));
        assertEquals(new BigDecimal("42"), r.get(0, BigDecimal.class));
        assertEquals(7, r.get(1, int.class));
        assertEquals(2.5, r.get(2, Double.class));
        assertEquals((short) 1, r.get(3, Short.class));
        assertEquals("42", r.get(0, String.class));
        PgException e = assertThrows(PgException.class, () -> r.get(2, Integer.class));
        assertTrue(e.getMessage().contains("Integer"), e.getMessage());
    }

    // ---------------------------------------------------------------- connection state

    @Test
    void networkTimeoutBreaksTheConnectionWhenTheServerIsSilent() {
        try (PgConnection c = fresh()) {
            c.setNetworkTimeout(Duration.ofMillis(300));
            assertEquals(Duration.ofMillis(300), c.networkTimeout());
            assertEquals(1, c.query("SELECT 1").single().getInt(0));
            PgConnectionException e = assertThrows(PgConnectionException.class, () -> c.execute("SELECT pg_sleep(30)"));
            assertTrue(e.getMessage().contains("network timeout"), e.getMessage());
            assertTrue(c.isClosed());
            assertFalse(c.isValid(Duration.ofSeconds(5)));
        }
    }

    @Test
    void abortFromAnotherThreadEndsACallInProgress() throws Exception {
        PgConnection c = fresh();
        assertTrue(c.isValid(Duration.ofSeconds(10)));
        Thread killer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.abort();
        });
        PgConnectionException e = assertThrows(PgConnectionException.class, () -> c.execute("SELECT pg_sleep(60)"));
        assertTrue(e.getMessage().contains("aborted"), e.getMessage());
        killer.join();
        assertTrue(c.isClosed());
        assertFalse(c.isValid(Duration.ofSeconds(1)));
        c.close();
    }

    @Test
    void serverVersionAndParameters() {
        int n = conn.serverVersionNumber();
        assertEquals(server == TestServers.pg15() ? 15 : 18, n / 10000, conn.serverVersion());
        assertEquals("on", conn.parameters().get("integer_datetimes"));
        assertEquals(Duration.ZERO, conn.networkTimeout());
    }

    @Test
    void aPoolIsAPgClient() {
        try (PgPool pool = PgPool.create(PgTests.config(PgTests.conninfo(server, "")), PoolSettings.DEFAULTS,
                Duration.ZERO)) {
            PgClient client = pool;
            assertEquals(List.of(Oid.INT4), client.describe("SELECT $1::int4").parameterTypes());
            assertArrayEquals(new long[] {1, 1}, client.executeBatch("SELECT $1::int4",
                    List.of(List.of(1), List.of(2))).orThrow().updateCounts());
            long[] seen = {0};
            assertEquals(3, client.stream("SELECT generate_series(1, 3)", List.of(), r -> seen[0] += r.getInt(0)));
            assertEquals(6, seen[0]);
        }
    }
}
