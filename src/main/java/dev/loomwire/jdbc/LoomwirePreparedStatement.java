package dev.loomwire.jdbc;

import dev.loomwire.pg.PgParam;
import dev.loomwire.pg.PgResult;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pg.PgStatementDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Calendar;
import java.util.List;

/**
 * A JDBC {@link PreparedStatement}: {@code ?} placeholders become {@code $n} once, and each
 * execution runs the statement server-side prepared through the session's statement cache
 * (Parse once per connection, then Bind/Execute), parameters sent in binary where the type allows.
 * {@code setTimestamp} sends text with the JVM's (or the Calendar's) offset and lets the server
 * pick the type, as pgjdbc does, so it fits timestamp and timestamptz columns alike; java.time
 * values go through {@code setObject} with their exact types.
 */
public class LoomwirePreparedStatement extends LoomwireStatement implements PreparedStatement {
    final JdbcSql sql;
    final Keys keys;
    final Object[] params;
    private final BitSet set;
    private List<Object[]> batch;

    LoomwirePreparedStatement(LoomwireConnection connection, JdbcSql sql, Keys keys) {
        super(connection);
        this.sql = sql;
        this.keys = keys;
        this.params = new Object[sql.parameterCount()];
        this.set = new BitSet(params.length);
    }

    /** The SQL sent to the server ({@code $n} placeholders). */
    String serverSql() {
        return sql.sql();
    }

    /** Index into {@link #params} for JDBC parameter {@code index}; callable statements shift it. */
    int slot(int index) throws SQLException {
        ensureOpen();
        if (index < 1 || index > params.length) {
            throw JdbcErrors.invalid("parameter index " + index + " out of range 1.." + params.length
                    + (params.length == 0 ? " (the statement has no ? placeholders)" : ""));
        }
        return index - 1;
    }

    void bind(int index, Object value) throws SQLException {
        int i = slot(index);
        params[i] = value;
        set.set(i);
    }

    /** The parameters for one execution (encoded before the call returns, so not copied), after checking that each was set. */
    Object[] boundParameters() throws SQLException {
        int missing = set.nextClearBit(0);
        if (missing < params.length) {
            throw new SQLException("no value given for parameter " + (missing + 1) + " (of " + params.length + ")",
                    "07002");
        }
        return params;
    }

    // ---------------------------------------------------------------- executing

    @Override
    public ResultSet executeQuery() throws SQLException {
        if (!run(sql, boundParameters(), Keys.NONE)) {
            throw new SQLException("the statement returned no result set (use executeUpdate or execute)", "02000");
        }
        return getResultSet();
    }

    @Override
    public int executeUpdate() throws SQLException {
        return toInt(executeLargeUpdate());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        if (run(sql, boundParameters(), keys)) {
            clearResults();
            throw new SQLException("the statement returned a result set (use executeQuery or execute)", "0100E");
        }
        return Math.max(getLargeUpdateCount(), 0);
    }

    @Override
    public boolean execute() throws SQLException {
        return run(sql, boundParameters(), keys);
    }

    private static SQLException notWithSql() {
        return new SQLException("a PreparedStatement runs its own SQL: the methods that take an SQL string belong to"
                + " Statement", "42809");
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw notWithSql();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw notWithSql();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw notWithSql();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw notWithSql();
    }

    @Override
    public void addBatch() throws SQLException {
        ensureOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(boundParameters().clone());
    }

    @Override
    public void clearBatch() throws SQLException {
        ensureOpen();
        batch = null;
    }

    /**
     * Sends every parameter set added with {@link #addBatch()} in ONE write (Parse once, Bind and
     * Execute per set, one Sync) and reads the update counts in order. In auto-commit mode the
     * batch is one implicit transaction: when an entry fails, a {@link java.sql.BatchUpdateException}
     * reports the counts of the entries before it, and all of them are rolled back; inside a
     * transaction, the transaction is failed. With generated keys requested, the sets run one
     * after another (RETURNING rows are read per set), keys through {@link #getGeneratedKeys()}.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        ensureOpen();
        clearResults();
        List<Object[]> sets = batch == null ? List.of() : batch;
        batch = null;
        JdbcSql toRun = keys.apply(sql);
        if (toRun == sql) {
            List<List<Object>> paramSets = new ArrayList<>(sets.size());
            for (Object[] set : sets) {
                paramSets.add(Arrays.asList(set));
            }
            return counts(connection.run(this, getQueryTimeout(), pg -> pg.executeBatch(sql.sql(), paramSets)));
        }
        long[] counts = new long[sets.size()];
        List<PgRow> keyRows = new ArrayList<>();
        PgResult last = null;
        for (int i = 0; i < sets.size(); i++) {
            Object[] values = sets.get(i);
            try {
                last = connection.run(this, getQueryTimeout(), pg -> pg.query(toRun.sql(), values));
            } catch (SQLException e) {
                throw batchFailure(i, Arrays.copyOf(counts, i), e);
            }
            counts[i] = last.affectedRows();
            keyRows.addAll(last.rows());
        }
        if (last != null) {
            setGeneratedKeys(new LoomwireResultSet(null, last.columns(), new LoomwireResultSet.ListRows(keyRows)));
        }
        return counts;
    }

    @Override
    public void clearParameters() throws SQLException {
        ensureOpen();
        Arrays.fill(params, null);
        set.clear();
    }

    // ---------------------------------------------------------------- metadata

    /**
     * The columns the statement returns, as the server describes the statement without running it
     * (Parse + Describe, one round trip); null for statements that return no rows.
     */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ensureOpen();
        ResultSet current = getResultSet();
        if (current != null) {
            return current.getMetaData();
        }
        PgStatementDescription d = describe();
        return d.columns().isEmpty() ? null : new LoomwireResultSetMetaData(connection, d.columns());
    }

    /** The parameters' types as the server infers them without running the statement (one round trip). */
    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        ensureOpen();
        List<Integer> types = sql.multipleStatements() ? List.of() : describe().parameterTypes();
        int[] oids = new int[params.length];
        for (int i = 0; i < oids.length && i < types.size(); i++) {
            oids[i] = types.get(i);
        }
        return new LoomwireParameterMetaData(oids, sql.callReturnsValue());
    }

    private PgStatementDescription describe() throws SQLException {
        return connection.call(pg -> pg.describe(sql.sql()));
    }

    // ---------------------------------------------------------------- setters

    /** SQL NULL sent with the type OID of {@code sqlType} (untyped for Types.NULL, OTHER and types without one). */
    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        int oid = JdbcTypes.oidForSqlType(sqlType);
        bind(index, oid == 0 ? null : PgParam.typed(oid, null));
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        setNull(index, sqlType);
    }

    @Override
    public void setBoolean(int index, boolean x) throws SQLException {
        bind(index, x);
    }

    /** Sent as int2: PostgreSQL has no one-byte integer. */
    @Override
    public void setByte(int index, byte x) throws SQLException {
        bind(index, (short) x);
    }

    @Override
    public void setShort(int index, short x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setInt(int index, int x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setLong(int index, long x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setFloat(int index, float x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setDouble(int index, double x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setString(int index, String x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setNString(int index, String x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setBytes(int index, byte[] x) throws SQLException {
        bind(index, x);
    }

    @Override
    public void setDate(int index, Date x) throws SQLException {
        bind(index, x == null ? null : x.toLocalDate());
    }

    @Override
    public void setDate(int index, Date x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setDate(index, x);
            return;
        }
        bind(index, x.toInstant().atZone(cal.getTimeZone().toZoneId()).toLocalDate());
    }

    @Override
    public void setTime(int index, Time x) throws SQLException {
        bind(index, x == null ? null : x.toLocalTime());
    }

    @Override
    public void setTime(int index, Time x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setTime(index, x);
            return;
        }
        bind(index, java.time.Instant.ofEpochMilli(x.getTime()).atZone(cal.getTimeZone().toZoneId()).toLocalTime());
    }

    @Override
    public void setTimestamp(int index, Timestamp x) throws SQLException {
        bind(index, x == null ? null : JdbcValues.timestampText(x, null));
    }

    @Override
    public void setTimestamp(int index, Timestamp x, Calendar cal) throws SQLException {
        bind(index, x == null ? null : JdbcValues.timestampText(x, cal));
    }

    @Override
    public void setURL(int index, URL x) throws SQLException {
        bind(index, x == null ? null : x.toString());
    }

    @Override
    public void setObject(int index, Object x) throws SQLException {
        bind(index, toParameter(x));
    }

    /** A JDBC value as the driver's codecs take it: java.sql date/time become java.time. */
    static Object toParameter(Object x) throws SQLException {
        return switch (x) {
            case null -> null;
            case Timestamp t -> JdbcValues.timestampText(t, null);
            case Date d -> d.toLocalDate();
            case Time t -> t.toLocalTime();
            case java.util.Date d -> JdbcValues.timestampText(new Timestamp(d.getTime()), null);
            case Calendar c -> JdbcValues.timestampText(
                    OffsetDateTime.ofInstant(c.toInstant(), c.getTimeZone().toZoneId()));
            case java.time.ZonedDateTime z -> z.toOffsetDateTime();
            case Byte b -> b.shortValue();
            case Character c -> c.toString();
            case URL u -> u.toString();
            case Blob b -> b.getBytes(1, (int) b.length());
            case Clob c -> c.getSubString(1, (int) c.length());
            case SQLXML s -> s.getString();
            case Array a -> throw JdbcErrors.unsupported("java.sql.Array parameters (pass a Java array or List)");
            default -> x;
        };
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType) throws SQLException {
        if (x == null) {
            setNull(index, targetSqlType);
            return;
        }
        Object v = toParameter(x);
        v = switch (targetSqlType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> v instanceof String ? v : v.toString();
            case Types.DATE -> v instanceof LocalDateTime t ? t.toLocalDate() : v;
            case Types.TIMESTAMP -> v instanceof LocalDate d ? d.atStartOfDay() : v;
            case Types.TIMESTAMP_WITH_TIMEZONE -> v instanceof LocalDateTime t
                    ? t.atZone(ZoneId.systemDefault()).toOffsetDateTime() : v;
            case Types.BIT, Types.BOOLEAN -> v instanceof Boolean ? v : JdbcValues.toBoolean(v);
            case Types.INTEGER -> v instanceof Number n && !(v instanceof Integer) ? (Object) n.intValue() : v;
            case Types.BIGINT -> v instanceof Number n && !(v instanceof Long) ? (Object) n.longValue() : v;
            case Types.SMALLINT, Types.TINYINT -> v instanceof Number n ? (Object) n.shortValue() : v;
            case Types.DOUBLE, Types.FLOAT -> v instanceof Number n ? (Object) n.doubleValue() : v;
            case Types.REAL -> v instanceof Number n ? (Object) n.floatValue() : v;
            case Types.NUMERIC, Types.DECIMAL -> v instanceof Number n && !(v instanceof BigDecimal)
                    ? JdbcValues.toDecimal(n) : v;
            default -> v;
        };
        bind(index, v);
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (x instanceof BigDecimal d && (targetSqlType == Types.NUMERIC || targetSqlType == Types.DECIMAL)) {
            bind(index, d.setScale(scaleOrLength, java.math.RoundingMode.HALF_UP));
            return;
        }
        setObject(index, x, targetSqlType);
    }

    private static byte[] read(InputStream in, long length) throws SQLException {
        try {
            return length < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw new SQLException("reading the parameter's stream failed: " + e.getMessage(), "HY000", e);
        }
    }

    private static String read(Reader in, long length) throws SQLException {
        try {
            StringBuilder s = new StringBuilder();
            char[] buf = new char[8192];
            long left = length < 0 ? Long.MAX_VALUE : length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                s.append(buf, 0, n);
                left -= n;
            }
            return s.toString();
        } catch (IOException e) {
            throw new SQLException("reading the parameter's reader failed: " + e.getMessage(), "HY000", e);
        }
    }

    @Override
    public void setAsciiStream(int index, InputStream x, int length) throws SQLException {
        setAsciiStream(index, x, (long) length);
    }

    @Override
    public void setAsciiStream(int index, InputStream x, long length) throws SQLException {
        bind(index, x == null ? null : new String(read(x, length), StandardCharsets.US_ASCII));
    }

    @Override
    public void setAsciiStream(int index, InputStream x) throws SQLException {
        setAsciiStream(index, x, -1L);
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int index, InputStream x, int length) throws SQLException {
        throw JdbcErrors.unsupported("PreparedStatement.setUnicodeStream (deprecated; use setCharacterStream)");
    }

    @Override
    public void setBinaryStream(int index, InputStream x, int length) throws SQLException {
        setBinaryStream(index, x, (long) length);
    }

    @Override
    public void setBinaryStream(int index, InputStream x, long length) throws SQLException {
        bind(index, x == null ? null : read(x, length));
    }

    @Override
    public void setBinaryStream(int index, InputStream x) throws SQLException {
        setBinaryStream(index, x, -1L);
    }

    @Override
    public void setCharacterStream(int index, Reader x, int length) throws SQLException {
        setCharacterStream(index, x, (long) length);
    }

    @Override
    public void setCharacterStream(int index, Reader x, long length) throws SQLException {
        bind(index, x == null ? null : read(x, length));
    }

    @Override
    public void setCharacterStream(int index, Reader x) throws SQLException {
        setCharacterStream(index, x, -1L);
    }

    @Override
    public void setNCharacterStream(int index, Reader x, long length) throws SQLException {
        setCharacterStream(index, x, length);
    }

    @Override
    public void setNCharacterStream(int index, Reader x) throws SQLException {
        setCharacterStream(index, x, -1L);
    }

    @Override
    public void setBlob(int index, Blob x) throws SQLException {
        bind(index, toParameter(x));
    }

    @Override
    public void setBlob(int index, InputStream x, long length) throws SQLException {
        setBinaryStream(index, x, length);
    }

    @Override
    public void setBlob(int index, InputStream x) throws SQLException {
        setBinaryStream(index, x, -1L);
    }

    @Override
    public void setClob(int index, Clob x) throws SQLException {
        bind(index, toParameter(x));
    }

    @Override
    public void setClob(int index, Reader x, long length) throws SQLException {
        setCharacterStream(index, x, length);
    }

    @Override
    public void setClob(int index, Reader x) throws SQLException {
        setCharacterStream(index, x, -1L);
    }

    @Override
    public void setNClob(int index, NClob x) throws SQLException {
        bind(index, toParameter(x));
    }

    @Override
    public void setNClob(int index, Reader x, long length) throws SQLException {
        setCharacterStream(index, x, length);
    }

    @Override
    public void setNClob(int index, Reader x) throws SQLException {
        setCharacterStream(index, x, -1L);
    }

    @Override
    public void setSQLXML(int index, SQLXML x) throws SQLException {
        bind(index, toParameter(x));
    }

    @Override
    public void setRef(int index, Ref x) throws SQLException {
        throw JdbcErrors.unsupported("PreparedStatement.setRef");
    }

    @Override
    public void setArray(int index, Array x) throws SQLException {
        throw JdbcErrors.unsupported("PreparedStatement.setArray (pass a Java array or List to setObject)");
    }

    @Override
    public void setRowId(int index, RowId x) throws SQLException {
        throw JdbcErrors.unsupported("PreparedStatement.setRowId");
    }

    @Override
    public String toString() {
        return "LoomwirePreparedStatement{" + sql.sql() + "}";
    }
}
