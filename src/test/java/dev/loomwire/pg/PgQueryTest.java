package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Queries, types, transactions, notices, LISTEN/NOTIFY, COPY and streaming against the real PostgreSQL 18. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgQueryTest {
    private PgServer server;
    private PgConnection conn;

    PgServer server() {
        return TestServers.pg18();
    }

    @BeforeAll
    void open() {
        server = server();
        conn = PgTests.connect(server, "");
    }

    @AfterAll
    void close() {
        if (conn != null) {
            conn.close();
        }
    }

    /** Runs the query twice: the first run gets text results (statement just parsed), the second binary. */
    private PgRow twice(String sql, Object... params) {
        PgRow text = conn.query(sql, params).single();
        PgRow binary = conn.query(sql, params).single();
        for (int i = 0; i < text.size(); i++) {
            assertEquals(0, text.columns().get(i).format(), "first run is text");
            Object t = normalize(text.get(i));
            Object b = normalize(binary.get(i));
            assertTrue(java.util.Objects.deepEquals(t, b), "column " + text.columns().get(i).name()
                    + ": text " + t + " vs binary " + b);
        }
        return binary;
    }

    private static Object normalize(Object o) {
        return o instanceof OffsetDateTime t ? t.toInstant() : o;
    }

    @Test
    void scalarTypesRoundTripInTextAndBinary() {
        UUID id = UUID.randomUUID();
        OffsetDateTime odt = OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 123456000, ZoneOffset.ofHours(2));
        PgRow r = twice("SELECT $1::bool AS b, $2::int2 AS s, $3::int4 AS i, $4::int8 AS l, $5::float4 AS f,"
                        + " $6::float8 AS d, $7::numeric AS n, $8::text AS t, $9::bytea AS by, $10::uuid AS u,"
                        + " $11::date AS dt, $12::time AS tm, $13::timestamp AS ts, $14::timestamptz AS tz,"
                        + " $15::jsonb AS j, $16::json AS js, $17::varchar AS v",
                true, (short) 7, 42, 1L << 40, 1.5f, Math.PI, new BigDecimal("-12345.678900"), "héllo",
                new byte[] {0, 1, (byte) 0xFF}, id, LocalDate.of(1999, 12, 31), LocalTime.of(23, 59, 58, 1000),
                LocalDateTime.of(2038, 1, 19, 3, 14, 8, 999999000), odt, "{\"a\": [1, 2]}", "{\"b\":1}", "v");
        assertTrue(r.getBoolean("b"));
        assertEquals(7, r.getShort(1));
        assertEquals(42, r.getInt("i"));
        assertEquals(1L << 40, r.getLong("l"));
        assertEquals(1.5f, r.getFloat(4));
        assertEquals(Math.PI, r.getDouble("d"));
        assertEquals(new BigDecimal("-12345.678900"), r.getBigDecimal("n"));
        assertEquals("héllo", r.getString("t"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, r.getBytes("by"));
        assertEquals(id, r.getUuid("u"));
        assertEquals(LocalDate.of(1999, 12, 31), r.getLocalDate("dt"));
        assertEquals(LocalTime.of(23, 59, 58, 1000), r.getLocalTime(11));
        assertEquals(LocalDateTime.of(2038, 1, 19, 3, 14, 8, 999999000), r.getLocalDateTime("ts"));
        assertEquals(odt.toInstant(), r.getInstant("tz"));
        assertEquals(odt.toInstant(), r.getOffsetDateTime("tz").toInstant());
        assertEquals("{\"a\": [1, 2]}", r.getString("j"));
        assertEquals("{\"b\":1}", r.getString("js"));
        assertEquals("v", r.getString("v"));
    }

    @Test
    void instantAndNullParameters() {
        Instant now = Instant.parse("2025-06-01T10:00:00.5Z");
        PgRow r = twice("SELECT $1::timestamptz AS a, $2::int4 AS b, $3::text AS c", now, null, null);
        assertEquals(now, r.getInstant("a"));
        assertTrue(r.isNull("b"));
        assertNull(r.getString("c"));
        assertNull(r.get(1, Integer.class));
        assertThrows(PgException.class, () -> r.getInt("b"));
    }

    @Test
    void arraysRoundTrip() {
        PgRow r = twice("SELECT $1::int4[] AS i, $2::text[] AS t, $3::numeric[] AS n, $4::uuid[] AS u,"
                        + " ARRAY[[1,2],[3,4]] AS m, $5::bool[] AS b",
                new Integer[] {1, null, 3}, List.of("a", "b c", "\"q\"", "NULL"),
                new BigDecimal[] {new BigDecimal("1.50"), new BigDecimal("-0.001")},
                new UUID[] {new UUID(1, 2)}, new boolean[] {true, false});
        assertEquals(java.util.Arrays.asList(1, null, 3), r.getList("i", Integer.class));
        assertEquals(List.of("a", "b c", "\"q\"", "NULL"), r.getList("t", String.class));
        assertEquals(List.of(new BigDecimal("1.50"), new BigDecimal("-0.001")), r.getList("n", BigDecimal.class));
        assertEquals(List.of(new UUID(1, 2)), r.getList("u", UUID.class));
        assertEquals(List.of(List.of(1, 2), List.of(3, 4)), r.get("m"));
        assertEquals(List.of(true, false), r.getList("b", Boolean.class));
    }

    @Test
    void statementCacheReusesNamedStatements() {
        int before = conn.preparedStatementCount();
        String sql = "SELECT $1::int4 + 1 AS cache_probe";
        assertEquals(2, conn.query(sql, 1).single().getInt(0));
        assertEquals(before + 1, conn.preparedStatementCount());
        assertEquals(3, conn.query(sql, 2).single().getInt(0));
        assertEquals(before + 1, conn.preparedStatementCount());
        List<String> prepared = new ArrayList<>();
        for (PgRow row : conn.query("SELECT statement FROM pg_prepared_statements")) {
            prepared.add(row.getString(0));
        }
        assertTrue(prepared.contains(sql), prepared.toString());
    }

    /** Frontend messages this thread wrote while {@code work} ran, from the TRACE protocol log. */
    private static List<String> sentMessages(Runnable work) {
        ch.qos.logback.classic.Logger trace =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.loomwire.pg.protocol");
        ch.qos.logback.classic.Level before = trace.getLevel();
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        trace.addAppender(appender);
        trace.setAdditive(false);
        trace.setLevel(ch.qos.logback.classic.Level.TRACE);
        try {
            work.run();
        } finally {
            trace.setLevel(before);
            trace.setAdditive(true);
            trace.detachAppender(appender);
        }
        String thread = Thread.currentThread().getName();
        return appender.list.stream().filter(e -> e.getThreadName().equals(thread))
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("-> ")).toList();
    }

    @Test
    void cachedStatementSkipsDescribeAndSwitchesToBinary() {
        String sql = "SELECT $1::int8 * 2 AS doubled, 'x' || $1::text AS label, $1::numeric / 2 AS half /* describe probe */";
        List<PgRow> rows = new ArrayList<>();
        List<String> first = sentMessages(() -> rows.add(conn.query(sql, 21L).single()));
        List<String> second = sentMessages(() -> rows.add(conn.query(sql, 50L).single()));
        List<String> third = sentMessages(() -> rows.add(conn.query(sql, 7L).single()));
        assertEquals(1, first.size(), "one write per run: " + first);
        assertTrue(first.get(0).contains("Parse") && first.get(0).contains("Describe"), first.toString());
        for (List<String> later : List.of(second, third)) {
            assertEquals(1, later.size(), "one write per run: " + later);
            assertTrue(later.get(0).contains("Bind"), later.toString());
            assertFalse(later.get(0).contains("Describe") || later.get(0).contains("Parse"), later.toString());
            assertTrue(later.get(0).contains("Execute") && later.get(0).contains("Sync"), later.toString());
        }
        assertEquals(List.of(0, 0, 0), rows.get(0).columns().stream().map(PgColumn::format).toList());
        assertEquals(List.of(1, 1, 0), rows.get(1).columns().stream().map(PgColumn::format).toList(),
                "int8 and text come back binary, numeric stays text");
        assertEquals(rows.get(1).columns(), rows.get(2).columns());
        long[] expected = {42, 100, 14};
        String[] labels = {"x21", "x50", "x7"};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], rows.get(i).getLong("doubled"));
            assertEquals(labels[i], rows.get(i).getString("label"));
            assertEquals(expected[i], rows.get(i).getLong(0));
            assertEquals(0, new BigDecimal(expected[i]).divide(BigDecimal.valueOf(4))
                    .compareTo((BigDecimal) rows.get(i).get("half")), rows.get(i).getString("half"));
        }
    }

    @Test
    void alterTableChangingACachedStatementsResultTypeIsRetriedOnce() {
        conn.execute("DROP TABLE IF EXISTS reshaped");
        conn.execute("CREATE TEMP TABLE reshaped (id int4, v int4)");
        conn.execute("INSERT INTO reshaped VALUES (1, 10)");
        String sql = "SELECT * FROM reshaped WHERE id = $1";
        assertEquals(10, conn.query(sql, 1).single().getInt("v"));
        assertEquals(1, conn.query(sql, 1).single().columns().get(1).format(), "second run binary");

        conn.execute("ALTER TABLE reshaped ALTER COLUMN v TYPE int8, ADD COLUMN note text DEFAULT 'n'");
        PgRow after = conn.query(sql, 1).single();
        assertEquals(3, after.size());
        assertEquals(Oid.INT8, after.columns().get(1).typeOid());
        assertEquals(10L, after.getLong("v"));
        assertEquals("n", after.getString("note"));
        List<String> sent = sentMessages(() -> {
            PgRow again = conn.query(sql, 1).single();
            assertEquals(10L, again.get("v"));
            assertEquals(1, again.columns().get(1).format());
            assertEquals("n", again.getString(2));
        });
        assertFalse(sent.toString().contains("Describe"), sent.toString());

        conn.begin();
        conn.execute("ALTER TABLE reshaped DROP COLUMN note");
        var stale = assertThrows(PgServerException.class, () -> conn.query(sql, 1));
        assertEquals("0A000", stale.sqlState());
        assertTrue(stale.hint().orElseThrow().contains("prepared again"), stale.getMessage());
        conn.rollback();
        assertEquals('I', conn.transactionStatus());
        assertEquals("n", conn.query(sql, 1).single().getString("note"));
    }

    @Test
    void fetchIsDescribedOnEveryRunBecauseItsCursorDecidesTheShape() {
        for (int run = 0; run < 3; run++) {
            String cursor = run % 2 == 0 ? "SELECT 1 AS a" : "SELECT 'x'::text AS b, 2::int8 AS c";
            int width = run % 2 == 0 ? 1 : 2;
            conn.inTransaction(c -> {
                c.execute("DECLARE shape_cursor CURSOR FOR " + cursor);
                PgRow row = c.query("FETCH 1 FROM shape_cursor").single();
                assertEquals(width, row.size());
                assertEquals(width == 1 ? (Object) 1 : "x", row.get(0));
                return null;
            });
        }
    }

    @Test
    void deallocatedStatementIsPreparedAgain() {
        String sql = "SELECT $1::int4 + 100 AS deallocate_probe";
        assertEquals(101, conn.query(sql, 1).single().getInt(0));
        assertEquals(102, conn.query(sql, 2).single().getInt(0));
        conn.execute("DEALLOCATE ALL");
        assertEquals(103, conn.query(sql, 3).single().getInt(0));
        assertEquals(104, conn.query(sql, 4).single().getInt(0));
        assertEquals('I', conn.transactionStatus());
    }

    @Test
    void serverErrorsAreTypedAndLeaveTheConnectionUsable() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS uniq (id int PRIMARY KEY)");
        conn.execute("INSERT INTO uniq VALUES ($1) ON CONFLICT DO NOTHING", 1);
        var dup = assertThrows(PgIntegrityConstraintException.class, () -> conn.execute("INSERT INTO uniq VALUES ($1)", 1));
        assertEquals("23505", dup.sqlState());
        assertEquals("uniq_pkey", dup.constraint().orElseThrow());
        assertTrue(dup.detail().orElseThrow().contains("already exists"));
        var syntax = assertThrows(PgSyntaxErrorOrAccessRuleException.class, () -> conn.query("SELEC 1"));
        assertEquals("42601", syntax.sqlState());
        assertEquals(1, syntax.position().orElseThrow());
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
        assertEquals('I', conn.transactionStatus());
    }

    @Test
    void transactionsCommitAndRollBack() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS tx (v int)");
        conn.execute("TRUNCATE tx");
        conn.inTransaction(c -> c.execute("INSERT INTO tx VALUES ($1)", 1));
        assertThrows(IllegalStateException.class, () -> conn.inTransaction(c -> {
            c.execute("INSERT INTO tx VALUES ($1)", 2);
            throw new IllegalStateException("boom");
        }));
        conn.begin();
        assertEquals('T', conn.transactionStatus());
        conn.execute("INSERT INTO tx VALUES ($1)", 3);
        conn.rollback();
        assertEquals(List.of(1), conn.query("SELECT v FROM tx ORDER BY v").rows().stream().map(r -> r.getInt(0)).toList());
        assertEquals(2, conn.execute("INSERT INTO tx SELECT generate_series(10, 11)"));
        assertEquals(3, conn.execute("UPDATE tx SET v = v + $1", 100));
    }

    @Test
    void noticesReachTheCallback() {
        List<PgNotice> notices = new ArrayList<>();
        conn.onNotice(notices::add);
        try {
            conn.execute("DO $$BEGIN RAISE WARNING 'careful: %', 42; END$$");
        } finally {
            conn.onNotice(null);
        }
        assertEquals(1, notices.size());
        assertEquals("WARNING", notices.get(0).severity());
        assertEquals("careful: 42", notices.get(0).message());
    }

    @Test
    void listenNotifyDelivery() throws Exception {
        conn.execute("LISTEN loomwire_events");
        try (PgConnection other = PgTests.connect(server, "")) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                other.execute("SELECT pg_notify('loomwire_events', $1)", "hello");
            }).join(5000);
            PgNotification n = conn.waitForNotification(Duration.ofSeconds(10)).orElseThrow();
            assertEquals("loomwire_events", n.channel());
            assertEquals("hello", n.payload());
            assertEquals(other.processId(), n.processId());
        }
        assertTrue(conn.waitForNotification(Duration.ofMillis(200)).isEmpty());
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
        conn.execute("UNLISTEN *");
    }

    @Test
    void copyInAndOut() {
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS cp (id int, name text)");
        conn.execute("TRUNCATE cp");
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            data.append(i).append('\t').append("name ").append(i).append('\n');
        }
        long in = conn.copyIn("COPY cp FROM STDIN", new ByteArrayInputStream(data.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(50_000, in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long copied = conn.copyOut("COPY (SELECT * FROM cp ORDER BY id) TO STDOUT", out);
        assertEquals(50_000, copied);
        assertEquals(data.toString(), out.toString(StandardCharsets.UTF_8));
        var bad = assertThrows(PgServerException.class,
                () -> conn.copyIn("COPY cp FROM STDIN", new ByteArrayInputStream("x\ty\n".getBytes())));
        assertEquals("22P02", bad.sqlState());
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
    }

    @Test
    void largeResultsStreamRowByRow() {
        AtomicLong sum = new AtomicLong();
        long n = conn.stream("SELECT g, repeat('x', 100) FROM generate_series(1, $1) g", List.of(300_000),
                row -> sum.addAndGet(row.getInt(0)));
        assertEquals(300_000, n);
        assertEquals(300_000L * 300_001 / 2, sum.get());
        var e = assertThrows(IllegalArgumentException.class, () -> conn.stream("SELECT g FROM generate_series(1, 10) g",
                List.of(), row -> {
                    throw new IllegalArgumentException("stop");
                }));
        assertEquals("stop", e.getMessage());
        assertEquals(1, conn.query("SELECT 1").single().getInt(0));
    }

    @Test
    void simpleQueryRunsSeveralStatements() {
        List<PgResult> results = conn.simpleQuery("SELECT 1 AS a; SELECT 'x' AS b, NULL AS c");
        assertEquals(2, results.size());
        assertEquals(1, results.get(0).single().getInt("a"));
        assertEquals("x", results.get(1).single().getString("b"));
        assertTrue(results.get(1).single().isNull("c"));
    }
}
