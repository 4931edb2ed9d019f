package dev.loomwire.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.PgConnection;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Plain JDBC through DriverManager against the real PostgreSQL 18 over TLS with verify-full. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcDriverTest {
    private PgServer server;
    private Connection conn;

    PgServer server() {
        return TestServers.pg18();
    }

    @BeforeAll
    void open() throws SQLException {
        server = server();
        conn = JdbcTests.connect(server);
    }

    @AfterAll
    void close() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    @BeforeEach
    void table() throws SQLException {
        if (conn.isClosed()) {
            conn = JdbcTests.connect(server);
        }
        conn.setAutoCommit(true);
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE IF EXISTS jdbc_items; CREATE TABLE jdbc_items (id serial PRIMARY KEY,"
                    + " name text NOT NULL UNIQUE, price numeric(10,2), data bytea, at timestamptz)");
        }
    }

    @AfterEach
    void reset() throws SQLException {
        if (!conn.isClosed()) {
            if (!conn.getAutoCommit()) {
                conn.rollback();
                conn.setAutoCommit(true);
            }
        }
    }

    private static Object one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row from " + sql);
            return rs.getObject(1);
        }
    }

    @Test
    void connectsOverTlsWithVerifyFull() throws SQLException {
        assertInstanceOf(LoomwireConnection.class, conn);
        assertEquals(Boolean.TRUE, one(conn, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        PgConnection pg = conn.unwrap(PgConnection.class);
        assertTrue(pg.tls().isPresent());
        assertTrue(conn.isValid(5));
        assertEquals("loomwire", conn.getCatalog());
        assertEquals("public", conn.getSchema());
        assertEquals(PgServer.USER, ((LoomwireConnection) conn).userName());
    }

    @Test
    void preparedStatementsReadAndWrite() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name, price) VALUES (?, ?)")) {
            for (int i = 0; i < 3; i++) {
                ps.setString(1, "item" + i);
                ps.setBigDecimal(2, new BigDecimal("1.50").add(BigDecimal.valueOf(i)));
                assertEquals(1, ps.executeUpdate());
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, name, price FROM jdbc_items WHERE price > ? ORDER BY id")) {
            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("item1", rs.getString("name"));
                assertEquals(new BigDecimal("2.50"), rs.getBigDecimal(3));
                assertEquals(2.5, rs.getDouble("price"));
                assertEquals(2, rs.getInt(1));
                assertFalse(rs.wasNull());
                assertTrue(rs.next());
                assertFalse(rs.next());
            }
        }
        PgConnection pg = conn.unwrap(PgConnection.class);
        assertTrue(pg.preparedStatementCount() > 0, "server-side prepared through the statement cache");
    }

    @Test
    void placeholdersInsideLiteralsAndCommentsAreNotParameters() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT '?' AS q, $$?$$ AS d, ? AS p /* ? */ -- ?\n")) {
            ps.setString(1, "x");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("?", rs.getString("q"));
                assertEquals("?", rs.getString("d"));
                assertEquals("x", rs.getString("p"));
            }
        }
    }

    @Test
    void nullsAndWasNull() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name, price) VALUES (?, ?)")) {
            ps.setString(1, "nothing");
            ps.setNull(2, Types.NUMERIC);
            ps.executeUpdate();
        }
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT price FROM jdbc_items")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1));
            assertTrue(rs.wasNull());
            assertNull(rs.getBigDecimal(1));
            assertNull(rs.getObject(1, BigDecimal.class));
        }
    }

    @Test
    void javaTimeRoundTrips() throws SQLException {
        LocalDate date = LocalDate.of(1999, 12, 31);
        LocalTime time = LocalTime.of(23, 59, 58, 123456000);
        LocalDateTime local = LocalDateTime.of(2038, 1, 19, 3, 14, 8, 999999000);
        OffsetDateTime offset = OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 123456000, ZoneOffset.ofHours(2));
        Instant instant = Instant.parse("2001-09-09T01:46:40.5Z");
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT ?::date, ?::time, ?::timestamp, ?::timestamptz, ?::timestamptz, ?::timestamp")) {
            ps.setObject(1, date);
            ps.setObject(2, time);
            ps.setObject(3, local);
            ps.setObject(4, offset);
            ps.setObject(5, instant);
            ps.setTimestamp(6, Timestamp.valueOf(local));
            for (int run = 0; run < 2; run++) { // first run text results, then binary
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(date, rs.getObject(1, LocalDate.class));
                    assertEquals(time, rs.getObject(2, LocalTime.class));
                    assertEquals(local, rs.getObject(3, LocalDateTime.class));
                    assertEquals(offset.toInstant(), rs.getObject(4, OffsetDateTime.class).toInstant());
                    assertEquals(instant, rs.getObject(5, Instant.class));
                    assertEquals(local, rs.getObject(6, LocalDateTime.class), "setTimestamp keeps the wall clock");
                    assertEquals(java.sql.Date.valueOf(date), rs.getDate(1));
                    assertEquals(Timestamp.valueOf(local), rs.getTimestamp(3));
                    assertEquals(Timestamp.from(instant), rs.getTimestamp(5));
                    assertInstanceOf(Timestamp.class, rs.getObject(3));
                }
            }
        }
    }

    @Test
    void byteaThroughBytesAndStreams() throws Exception {
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name, data) VALUES (?, ?)")) {
            ps.setString(1, "bytes");
            ps.setBytes(2, data);
            ps.executeUpdate();
            ps.setString(1, "stream");
            ps.setBinaryStream(2, new ByteArrayInputStream(data), data.length);
            ps.executeUpdate();
        }
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT data FROM jdbc_items ORDER BY id")) {
            assertTrue(rs.next());
            assertArrayEquals(data, rs.getBytes(1));
            assertTrue(rs.next());
            assertArrayEquals(data, rs.getBinaryStream("data").readAllBytes());
        }
    }

    @Test
    void oneExecuteWithSeveralStatementsGivesSeveralResults() throws SQLException {
        try (Statement s = conn.createStatement()) {
            boolean isResultSet = s.execute("INSERT INTO jdbc_items (name) VALUES ('a'), ('b');"
                    + " SELECT name FROM jdbc_items ORDER BY name; UPDATE jdbc_items SET price = 1");
            assertFalse(isResultSet);
            assertEquals(2, s.getUpdateCount());
            assertTrue(s.getMoreResults());
            ResultSet rs = s.getResultSet();
            assertTrue(rs.next());
            assertEquals("a", rs.getString(1));
            assertFalse(s.getMoreResults());
            assertTrue(rs.isClosed(), "getMoreResults closes the current result set");
            assertEquals(2, s.getUpdateCount());
            assertFalse(s.getMoreResults());
            assertEquals(-1, s.getUpdateCount(), "no more results");
            assertNull(s.getResultSet());
        }
    }

    @Test
    void generatedKeysThroughReturning() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "first");
            assertEquals(1, ps.executeUpdate());
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertTrue(keys.next());
                assertEquals(1, keys.getInt("id"));
                assertEquals("first", keys.getString("name"));
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name) VALUES (?)", new String[] {"id"})) {
            ps.setString(1, "second");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertTrue(keys.next());
                assertEquals(2L, keys.getLong(1));
                assertEquals(1, keys.getMetaData().getColumnCount());
            }
        }
        try (Statement s = conn.createStatement()) {
            assertEquals(1, s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('third')", Statement.RETURN_GENERATED_KEYS));
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertTrue(keys.next());
                assertEquals(3, keys.getInt("id"));
            }
        }
    }

    @Test
    void savepointsRollBackPartOfATransaction() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('kept')");
            Savepoint sp = conn.setSavepoint();
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('undone')");
            conn.rollback(sp);
            Savepoint named = conn.setSavepoint("named \"one\"");
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('also kept')");
            conn.releaseSavepoint(named);
            assertEquals("named \"one\"", named.getSavepointName());
            conn.commit();
        }
        conn.setAutoCommit(true);
        assertEquals(2L, one(conn, "SELECT count(*) FROM jdbc_items"));
        assertThrows(SQLException.class, conn::setSavepoint, "auto-commit has no transaction to mark");
    }

    @Test
    void autoCommitOffIsOneTransactionUntilCommitOrRollback() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('gone')");
            assertEquals('T', conn.unwrap(PgConnection.class).transactionStatus());
            conn.rollback();
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('stays')");
            conn.commit();
        }
        conn.setAutoCommit(true);
        assertEquals("stays", one(conn, "SELECT string_agg(name, ',') FROM jdbc_items"));
    }

    @Test
    void failedTransactionCannotBeCommitted() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('x')");
            assertThrows(SQLIntegrityConstraintViolationException.class,
                    () -> s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('x')"));
            SQLException e = assertThrows(SQLException.class, conn::commit);
            assertEquals("25P02", e.getSQLState());
        }
        conn.setAutoCommit(true);
        assertEquals(0L, one(conn, "SELECT count(*) FROM jdbc_items"));
    }

    @Test
    void isolationLevelAndReadOnlyAreSessionCharacteristics() throws SQLException {
        try {
            conn.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, conn.getTransactionIsolation());
            assertEquals("serializable", one(conn, "SHOW transaction_isolation"));
            conn.setReadOnly(true);
            assertTrue(conn.isReadOnly());
            SQLException e = assertThrows(SQLException.class,
                    () -> conn.createStatement().executeUpdate("INSERT INTO jdbc_items (name) VALUES ('ro')"));
            assertEquals("25006", e.getSQLState());
            conn.setAutoCommit(false);
            one(conn, "SELECT 1");
            SQLException inside = assertThrows(SQLException.class, () -> conn.setReadOnly(false));
            assertEquals("25001", inside.getSQLState());
            conn.rollback();
            conn.setAutoCommit(true);
        } finally {
            conn.setReadOnly(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        assertEquals("read committed", one(conn, "SHOW transaction_isolation"));
    }

    @Test
    void fetchSizeStreamsThroughACursorInsideATransaction() throws SQLException {
        conn.setAutoCommit(false);
        try (PreparedStatement ps = conn.prepareStatement("SELECT g, repeat('x', 100) FROM generate_series(1, ?) g")) {
            ps.setFetchSize(100);
            ps.setInt(1, 5000);
            try (ResultSet rs = ps.executeQuery()) {
                long sum = 0;
                int rows = 0;
                while (rs.next()) {
                    sum += rs.getInt(1);
                    rows++;
                    if (rows == 150) {
                        assertEquals(1L, one(conn, "SELECT count(*) FROM pg_cursors"), "read through a cursor");
                    }
                }
                assertEquals(5000, rows);
                assertEquals(5000L * 5001 / 2, sum);
            }
            assertEquals(0L, one(conn, "SELECT count(*) FROM pg_cursors"), "a cursor read to the end is closed");
            conn.commit();
            ps.setInt(1, 1000);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < 150; i++) {
                    assertTrue(rs.next());
                }
            }
            assertEquals(0L, one(conn, "SELECT count(*) FROM pg_cursors"), "closing the result set early closes the cursor");
        }
        conn.commit();
    }

    @Test
    void serverErrorsBecomeSqlExceptionSubclassesAndTheConnectionStaysUsable() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('dup')");
            SQLIntegrityConstraintViolationException dup = assertThrows(SQLIntegrityConstraintViolationException.class,
                    () -> s.executeUpdate("INSERT INTO jdbc_items (name) VALUES ('dup')"));
            assertEquals("23505", dup.getSQLState());
            SQLSyntaxErrorException syntax = assertThrows(SQLSyntaxErrorException.class, () -> s.executeQuery("SELEKT 1"));
            assertEquals("42601", syntax.getSQLState());
            assertEquals("42P01", assertThrows(SQLSyntaxErrorException.class,
                    () -> s.executeQuery("SELECT * FROM no_such_table")).getSQLState());
            assertEquals("22012", assertThrows(SQLDataException.class, () -> s.executeQuery("SELECT 1/0")).getSQLState());
            assertEquals(1, ((Number) one(conn, "SELECT 1")).intValue());
        }
        SQLException conversion = assertThrows(SQLException.class, () -> {
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT 'abc'")) {
                rs.next();
                rs.getInt(1);
            }
        });
        assertEquals("22018", conversion.getSQLState());
        assertTrue(conversion.getMessage().contains("column 1"), conversion.getMessage());
    }

    @Test
    void preparedBatchOfAThousandRowsIsOneWrite() throws SQLException {
        PgConnection pg = conn.unwrap(PgConnection.class);
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name, price) VALUES (?, ?)")) {
            for (int i = 0; i < 1000; i++) {
                ps.setString(1, "row" + i);
                ps.setBigDecimal(2, BigDecimal.valueOf(i));
                ps.addBatch();
            }
            long writes = pg.writeCount();
            int[] counts = ps.executeBatch();
            assertEquals(1, pg.writeCount() - writes, "the whole batch in one write (one round trip)");
            assertEquals(1000, counts.length);
            for (int c : counts) {
                assertEquals(1, c);
            }
        }
        assertEquals(1000L, one(conn, "SELECT count(*) FROM jdbc_items"));
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_items (name) VALUES (?)")) {
            ps.setString(1, "new");
            ps.addBatch();
            ps.setString(1, "row5");
            ps.addBatch();
            ps.setString(1, "never");
            ps.addBatch();
            BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
            assertEquals("23505", e.getSQLState());
            assertInstanceOf(SQLIntegrityConstraintViolationException.class, e.getNextException());
            assertEquals(1, e.getUpdateCounts().length, "the counts of the entries before the failing one");
        }
        assertEquals(0L, one(conn, "SELECT count(*) FROM jdbc_items WHERE name = 'new'"),
                "in auto-commit the failed batch is rolled back as a whole");
    }

    @Test
    void setNullSendsTheType() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_typeof(?)::text, ? IS NULL")) {
            ps.setNull(1, Types.INTEGER);
            ps.setNull(2, Types.TIMESTAMP);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("integer", rs.getString(1));
                assertTrue(rs.getBoolean(2));
            }
        }
    }

    @Test
    void statementBatch() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.addBatch("INSERT INTO jdbc_items (name) VALUES ('a')");
            s.addBatch("INSERT INTO jdbc_items (name) VALUES ('b'), ('c')");
            s.addBatch("UPDATE jdbc_items SET price = 2");
            long writes = conn.unwrap(PgConnection.class).writeCount();
            assertArrayEquals(new int[] {1, 2, 3}, s.executeBatch());
            assertEquals(1, conn.unwrap(PgConnection.class).writeCount() - writes, "one write");
        }
    }

    @Test
    void callableStatementsRunFunctions() throws SQLException {
        try (CallableStatement cs = conn.prepareCall("{? = call upper(?)}")) {
            cs.registerOutParameter(1, Types.VARCHAR);
            cs.setString(2, "abc");
            cs.execute();
            assertEquals("ABC", cs.getString(1));
            assertFalse(cs.wasNull());
        }
        try (CallableStatement cs = conn.prepareCall("{call generate_series(?, ?)}")) {
            cs.setInt(1, 1);
            cs.setInt(2, 3);
            try (ResultSet rs = cs.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n += rs.getInt(1);
                }
                assertEquals(6, n);
            }
            assertThrows(SQLFeatureNotSupportedException.class, () -> cs.registerOutParameter(1, Types.INTEGER));
        }
    }

    @Test
    void metadataOfResultsAndParameters() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT id, name, price, price * 2 AS doubled FROM jdbc_items WHERE id = ? AND name = ?")) {
            ParameterMetaData pm = ps.getParameterMetaData();
            assertEquals(2, pm.getParameterCount());
            assertEquals(Types.INTEGER, pm.getParameterType(1));
            assertEquals("text", pm.getParameterTypeName(2));
            ResultSetMetaData before = ps.getMetaData();
            assertEquals(4, before.getColumnCount());
            ps.setInt(1, 1);
            ps.setString(2, "x");
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals("id", md.getColumnLabel(1));
                assertEquals(Types.INTEGER, md.getColumnType(1));
                assertEquals("int4", md.getColumnTypeName(1));
                assertEquals(Types.NUMERIC, md.getColumnType(3));
                assertEquals(10, md.getPrecision(3));
                assertEquals(2, md.getScale(3));
                assertEquals("jdbc_items", md.getTableName(2));
                assertEquals("public", md.getSchemaName(2));
                assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(2));
                assertEquals(ResultSetMetaData.columnNullable, md.isNullable(3));
                assertEquals(ResultSetMetaData.columnNullableUnknown, md.isNullable(4));
                assertTrue(md.isAutoIncrement(1));
                assertEquals("", md.getTableName(4));
                assertEquals("java.math.BigDecimal", md.getColumnClassName(3));
            }
        }
    }

    @Test
    void queryTimeoutCancelsOverTlsAndTheConnectionStaysUsable() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.setQueryTimeout(1);
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> s.execute("SELECT pg_sleep(30)"));
            assertEquals("57014", e.getSQLState());
            assertTrue(e.getMessage().contains("query timeout"), e.getMessage());
            s.setQueryTimeout(0);
            assertTrue(conn.isValid(5));
            assertEquals(1, ((Number) one(conn, "SELECT 1")).intValue());
        }
    }

    @Test
    void cancelFromAnotherThread() throws Exception {
        try (Statement s = conn.createStatement()) {
            Thread canceller = Thread.ofVirtual().start(() -> {
                try {
                    while (!s.isClosed()) {
                        if (Boolean.TRUE.equals(activeElsewhere())) {
                            s.cancel();
                            return;
                        }
                        Thread.sleep(50);
                    }
                } catch (Exception ignored) {
                    // the assertion below reports it
                }
            });
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> s.execute("SELECT pg_sleep(30)"));
            canceller.join();
            assertEquals("57014", e.getSQLState());
        }
        assertTrue(conn.isValid(5));
    }

    /** Whether the test connection's backend is running pg_sleep, seen from a second connection. */
    private Boolean activeElsewhere() throws SQLException {
        int pid = conn.unwrap(PgConnection.class).processId();
        try (Connection other = JdbcTests.connect(server);
             PreparedStatement ps = other.prepareStatement("SELECT state = 'active' FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    @Test
    void networkTimeoutClosesAConnectionThatStopsAnswering() throws SQLException {
        try (Connection c = JdbcTests.connect(server)) {
            c.setNetworkTimeout(Runnable::run, 500);
            assertEquals(500, c.getNetworkTimeout());
            SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("SELECT pg_sleep(30)"));
            assertInstanceOf(SQLNonTransientConnectionException.class, e);
            assertEquals("08006", e.getSQLState());
            assertTrue(c.isClosed());
            assertFalse(c.isValid(1));
        }
    }

    @Test
    void abortAndCloseEndTheConnection() throws SQLException {
        Connection c = JdbcTests.connect(server);
        Statement s = c.createStatement();
        List<Runnable> ran = new ArrayList<>();
        c.abort(r -> {
            ran.add(r);
            r.run();
        });
        assertEquals(1, ran.size());
        assertTrue(c.isClosed());
        assertFalse(c.isValid(1));
        SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1"));
        assertEquals("08003", e.getSQLState());
        c.close();
    }

    @Test
    void passwordsAppearNowhere() throws SQLException {
        String url = "jdbc:loomwire:postgresql://" + PgServer.USER + ":" + PgServer.PASSWORD + "@" + server.host() + ":"
                + server.port() + "/loomwire?sslmode=verify-full&sslrootcert="
                + dev.loomwire.testing.TestCerts.file("ca.crt");
        try (Connection c = DriverManager.getConnection(url)) {
            LoomwireConnection lc = (LoomwireConnection) c;
            assertFalse(lc.url().contains(PgServer.PASSWORD), lc.url());
            assertFalse(c.toString().contains(PgServer.PASSWORD), c.toString());
            assertTrue(lc.url().contains("sslmode=verify-full"));
        }
        SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                JdbcTests.url(server, ""), PgServer.USER, "wrong-" + PgServer.PASSWORD));
        assertEquals("28P01", wrong.getSQLState());
        assertFalse(wrong.getMessage().contains("wrong-" + PgServer.PASSWORD), wrong.getMessage());
    }

    @Test
    void unsupportedFeaturesSaySo() throws SQLException {
        assertThrows(SQLFeatureNotSupportedException.class,
                () -> conn.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY));
        assertThrows(SQLFeatureNotSupportedException.class, conn::createBlob);
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThrows(SQLFeatureNotSupportedException.class, rs::previous);
            assertTrue(rs.next());
            assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateInt(1, 2));
        }
    }

    @Test
    void otherTypesReadAsTextAndUuidsAsUuids() throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = conn.prepareStatement("SELECT ?::uuid, '1 day'::interval, '{1,2}'::int4[], 't'::bool")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(id, rs.getObject(1, UUID.class));
                assertEquals(id.toString(), rs.getString(1));
                assertEquals("1 day", rs.getString(2));
                assertEquals(List.of(1, 2), rs.getObject(3));
                assertTrue(rs.getBoolean(4));
                assertEquals(1, rs.getInt(4));
            }
        }
    }
}
