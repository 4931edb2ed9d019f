package dev.loomwire.jdbc;

import dev.loomwire.pg.PgColumn;
import dev.loomwire.pg.PgCursor;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgResult;
import dev.loomwire.pg.PgRow;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A forward-only, read-only {@link ResultSet}: over the rows of a completed statement, over a
 * cursor that fetches {@code fetchSize} rows at a time (see {@link LoomwireStatement#setFetchSize}),
 * or over rows built in memory ({@link #inMemory}, for DatabaseMetaData). Getters convert as the
 * JDBC specification's conversion table says, through the driver's codecs; a value that cannot be
 * converted raises {@link java.sql.SQLDataException} (22018) naming the column.
 * {@code getObject(i)} returns java.sql.Date/Time/Timestamp for date/time/timestamp[tz] columns
 * (as pgjdbc) and a {@code java.util.List} for arrays; {@code getObject(i, LocalDate.class)} and
 * the other java.time classes read those columns without the legacy types.
 */
public final class LoomwireResultSet extends ReadOnlyResultSet {
    /** Where the rows come from. */
    sealed interface Rows permits ListRows, MemoryRows, CursorRows {}

    /** Rows of a completed statement. */
    record ListRows(List<PgRow> rows) implements Rows {}

    /** Rows built in memory, one Object[] per row. */
    record MemoryRows(List<Object[]> rows) implements Rows {}

    /** A cursor fetching {@code fetchSize} rows per round trip from a portal (see {@link PgCursor}); {@code maxRows} 0 = all. */
    static final class CursorRows implements Rows {
        final LoomwireConnection connection;
        final PgCursor cursor;
        final int fetchSize;
        final long maxRows;
        long read;

        CursorRows(LoomwireConnection connection, PgCursor cursor, int fetchSize, long maxRows) {
            this.connection = connection;
            this.cursor = cursor;
            this.fetchSize = fetchSize;
            this.maxRows = maxRows;
        }
    }

    private final LoomwireStatement statement;
    private final List<PgColumn> columns;
    private final Rows rows;
    private Map<String, Integer> byLabel;
    private int index = -1;
    private int rowNumber;
    private boolean afterLast;
    private PgRow pgRow;
    private Object[] memRow;
    private boolean wasNull;
    private boolean closed;
    private int fetchSize;

    LoomwireResultSet(LoomwireStatement statement, List<PgColumn> columns, Rows rows) {
        this.statement = statement;
        this.columns = columns;
        this.rows = rows;
        this.fetchSize = rows instanceof CursorRows c ? c.fetchSize : 0;
    }

    /** The rows of {@code result} (e.g. a catalog query run on {@link LoomwireConnection#pgConnection()}). */
    static LoomwireResultSet of(LoomwireStatement statement, PgResult result) {
        return new LoomwireResultSet(statement, result.columns(), new ListRows(result.rows()));
    }

    /**
     * A result built in memory: {@code rows} hold, per column, a value of the column type's natural
     * Java class (String, Integer, Short, Long, Boolean...) or null.
     */
    static LoomwireResultSet inMemory(List<JdbcColumn> columns, List<Object[]> rows) {
        List<PgColumn> cols = new ArrayList<>(columns.size());
        for (JdbcColumn c : columns) {
            cols.add(new PgColumn(c.label(), c.typeOid(), 0, 0, -1, 0));
        }
        for (Object[] row : rows) {
            if (row.length != cols.size()) {
                throw new IllegalArgumentException("row has " + row.length + " values for " + cols.size() + " columns");
            }
        }
        return new LoomwireResultSet(null, List.copyOf(cols), new MemoryRows(List.copyOf(rows)));
    }

    List<PgColumn> columns() {
        return columns;
    }

    // ---------------------------------------------------------------- navigation

    @Override
    public boolean next() throws SQLException {
        ensureOpen();
        pgRow = null;
        memRow = null;
        if (afterLast) {
            return false;
        }
        index++;
        boolean has = switch (rows) {
            case ListRows l -> {
                if (index < l.rows().size()) {
                    pgRow = l.rows().get(index);
                    yield true;
                }
                yield false;
            }
            case MemoryRows m -> {
                if (index < m.rows().size()) {
                    memRow = m.rows().get(index);
                    yield true;
                }
                yield false;
            }
            case CursorRows c -> nextFromCursor(c);
        };
        if (has) {
            rowNumber++;
        } else {
            afterLast = true;
        }
        return has;
    }

    private boolean nextFromCursor(CursorRows c) throws SQLException {
        if (c.maxRows > 0 && c.read >= c.maxRows) {
            return false;
        }
        pgRow = c.connection.run(null, 0, pg -> c.cursor.next());
        if (pgRow == null) {
            return false;
        }
        c.read++;
        return true;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        pgRow = null;
        memRow = null;
        try {
            if (rows instanceof CursorRows c) {
                c.cursor.close();
            }
        } finally {
            if (statement != null) {
                statement.resultSetClosed(this);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw JdbcErrors.closed("result set");
        }
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        ensureOpen();
        return rowNumber == 0 && !afterLast && hasAnyRows();
    }

    private boolean hasAnyRows() throws SQLException {
        return switch (rows) {
            case ListRows l -> !l.rows().isEmpty();
            case MemoryRows m -> !m.rows().isEmpty();
            case CursorRows c -> throw JdbcErrors.unsupported("ResultSet.isBeforeFirst on a result read through a"
                    + " cursor (fetchSize > 0)");
        };
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        ensureOpen();
        return afterLast && rowNumber > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        ensureOpen();
        return rowNumber == 1 && !afterLast;
    }

    @Override
    public boolean isLast() throws SQLException {
        ensureOpen();
        if (afterLast || rowNumber == 0) {
            return false;
        }
        return switch (rows) {
            case ListRows l -> index == l.rows().size() - 1;
            case MemoryRows m -> index == m.rows().size() - 1;
            case CursorRows c -> throw JdbcErrors.unsupported("ResultSet.isLast on a result read through a cursor"
                    + " (fetchSize > 0)");
        };
    }

    @Override
    public int getRow() throws SQLException {
        ensureOpen();
        return afterLast ? 0 : rowNumber;
    }

    private SQLException forwardOnly(String method) {
        return JdbcErrors.unsupported("ResultSet." + method + " (result sets are TYPE_FORWARD_ONLY)");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw forwardOnly("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw forwardOnly("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw forwardOnly("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw forwardOnly("last");
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        throw forwardOnly("absolute");
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        throw forwardOnly("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw forwardOnly("previous");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        ensureOpen();
        if (direction != FETCH_FORWARD) {
            throw forwardOnly("setFetchDirection(" + direction + ")");
        }
    }

    @Override
    public int getFetchDirection() {
        return FETCH_FORWARD;
    }

    /** A hint: a cursor keeps the size it was opened with; negative sizes are refused. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        ensureOpen();
        if (rows < 0) {
            throw JdbcErrors.invalid("fetch size must be >= 0, got " + rows);
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() {
        return fetchSize;
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() {
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        ensureOpen();
        return null;
    }

    @Override
    public void clearWarnings() {
    }

    @Override
    public String getCursorName() throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getCursorName (positioned updates)");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ensureOpen();
        return new LoomwireResultSetMetaData(statement == null ? null : statement.connection(), columns);
    }

    @Override
    public int findColumn(String label) throws SQLException {
        ensureOpen();
        if (byLabel == null) {
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                m.putIfAbsent(columns.get(i).name(), i + 1);
            }
            for (int i = 0; i < columns.size(); i++) {
                m.putIfAbsent(columns.get(i).name().toLowerCase(Locale.ROOT), i + 1);
            }
            byLabel = m;
        }
        Integer i = byLabel.get(label);
        if (i == null && label != null) {
            i = byLabel.get(label.toLowerCase(Locale.ROOT));
        }
        if (i == null) {
            throw new SQLException("no column labelled \"" + label + "\" in the result (columns: "
                    + columns.stream().map(PgColumn::name).toList() + ")", "42703");
        }
        return i;
    }

    // ---------------------------------------------------------------- values

    private int checkColumn(int column) throws SQLException {
        ensureOpen();
        if (pgRow == null && memRow == null) {
            throw new SQLException("no current row: call next() first" + (afterLast ? " (the result is exhausted)" : ""),
                    JdbcErrors.INVALID_CURSOR_STATE);
        }
        if (column < 1 || column > columns.size()) {
            throw JdbcErrors.invalid("column index " + column + " out of range 1.." + columns.size());
        }
        return column - 1;
    }

    private String describe(int i) {
        PgColumn c = columns.get(i);
        return "column " + (i + 1) + " (\"" + c.name() + "\")";
    }

    /** The decoded value of 1-based {@code column}; sets wasNull. */
    private Object natural(int column) throws SQLException {
        int i = checkColumn(column);
        Object v;
        try {
            v = pgRow != null ? pgRow.get(i) : memRow[i];
        } catch (PgException e) {
            throw JdbcErrors.conversion(describe(i) + " cannot be decoded: " + e.getMessage(), e);
        }
        wasNull = v == null;
        return v;
    }

    /** The value of {@code column} as {@code type}, null for SQL NULL. */
    private <T> T as(int column, Class<T> type) throws SQLException {
        Object v = natural(column);
        if (v == null) {
            return null;
        }
        int i = column - 1;
        try {
            T converted = JdbcValues.convert(v, type);
            if (converted != null) {
                return converted;
            }
            if (pgRow != null) {
                return pgRow.get(i, type);
            }
        } catch (PgException | ArithmeticException | IllegalArgumentException | ClassCastException e) {
            throw JdbcErrors.conversion(describe(i) + " of type " + typeName(i) + " cannot be read as "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        throw JdbcErrors.conversion(describe(i) + " of type " + typeName(i) + " cannot be read as "
                + type.getSimpleName() + " (value class " + v.getClass().getSimpleName() + ")", null);
    }

    private String typeName(int i) {
        JdbcTypes.Info info = JdbcTypes.info(columns.get(i).typeOid());
        return info == null ? "OID " + columns.get(i).typeOid() : info.name();
    }

    @Override
    public boolean wasNull() throws SQLException {
        ensureOpen();
        return wasNull;
    }

    @Override
    public String getString(int column) throws SQLException {
        int i = checkColumn(column);
        if (pgRow != null) {
            try {
                String s = pgRow.getString(i);
                wasNull = s == null;
                return s;
            } catch (PgException e) {
                throw JdbcErrors.conversion(describe(i) + " cannot be read as text: " + e.getMessage(), e);
            }
        }
        return as(column, String.class);
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        Boolean b = as(column, Boolean.class);
        return b != null && b;
    }

    private Number number(int column, Class<? extends Number> type) throws SQLException {
        return as(column, type);
    }

    @Override
    public byte getByte(int column) throws SQLException {
        Number n = number(column, Byte.class);
        return n == null ? 0 : n.byteValue();
    }

    @Override
    public short getShort(int column) throws SQLException {
        Number n = number(column, Short.class);
        return n == null ? 0 : n.shortValue();
    }

    @Override
    public int getInt(int column) throws SQLException {
        Number n = number(column, Integer.class);
        return n == null ? 0 : n.intValue();
    }

    @Override
    public long getLong(int column) throws SQLException {
        Number n = number(column, Long.class);
        return n == null ? 0 : n.longValue();
    }

    @Override
    public float getFloat(int column) throws SQLException {
        Number n = number(column, Float.class);
        return n == null ? 0 : n.floatValue();
    }

    @Override
    public double getDouble(int column) throws SQLException {
        Number n = number(column, Double.class);
        return n == null ? 0 : n.doubleValue();
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int column, int scale) throws SQLException {
        BigDecimal d = getBigDecimal(column);
        return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public BigDecimal getBigDecimal(int column) throws SQLException {
        return as(column, BigDecimal.class);
    }

    @Override
    public byte[] getBytes(int column) throws SQLException {
        return as(column, byte[].class);
    }

    @Override
    public Date getDate(int column) throws SQLException {
        return as(column, Date.class);
    }

    @Override
    public Time getTime(int column) throws SQLException {
        return as(column, Time.class);
    }

    @Override
    public Timestamp getTimestamp(int column) throws SQLException {
        return as(column, Timestamp.class);
    }

    @Override
    public Date getDate(int column, Calendar cal) throws SQLException {
        Object v = natural(column);
        return v instanceof LocalDate d ? JdbcValues.date(d, cal) : getDate(column);
    }

    @Override
    public Time getTime(int column, Calendar cal) throws SQLException {
        Object v = natural(column);
        return v instanceof LocalTime t ? JdbcValues.time(t, cal) : getTime(column);
    }

    @Override
    public Timestamp getTimestamp(int column, Calendar cal) throws SQLException {
        Object v = natural(column);
        return v instanceof LocalDateTime t ? JdbcValues.timestamp(t, cal) : getTimestamp(column);
    }

    @Override
    public InputStream getAsciiStream(int column) throws SQLException {
        String s = getString(column);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getUnicodeStream (deprecated; use getCharacterStream)");
    }

    @Override
    public InputStream getBinaryStream(int column) throws SQLException {
        byte[] b = getBytes(column);
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int column) throws SQLException {
        String s = getString(column);
        return s == null ? null : new StringReader(s);
    }

    @Override
    public Reader getNCharacterStream(int column) throws SQLException {
        return getCharacterStream(column);
    }

    @Override
    public String getNString(int column) throws SQLException {
        return getString(column);
    }

    @Override
    public Object getObject(int column) throws SQLException {
        return JdbcValues.jdbcObject(natural(column));
    }

    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException {
        if (type == null) {
            throw JdbcErrors.invalid("getObject: type is null");
        }
        if (type == String.class) {
            return type.cast(getString(column));
        }
        return as(column, type);
    }

    @Override
    public Object getObject(int column, Map<String, Class<?>> map) throws SQLException {
        if (map == null || map.isEmpty()) {
            return getObject(column);
        }
        throw JdbcErrors.unsupported("ResultSet.getObject with a type map");
    }

    @Override
    public URL getURL(int column) throws SQLException {
        String s = getString(column);
        try {
            return s == null ? null : URI.create(s).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw JdbcErrors.conversion(describe(column - 1) + " is not a URL: " + e.getMessage(), e);
        }
    }

    @Override
    public Ref getRef(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getRef");
    }

    @Override
    public Blob getBlob(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getBlob (read bytea with getBytes or getBinaryStream)");
    }

    @Override
    public Clob getClob(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getClob (read text with getString or getCharacterStream)");
    }

    @Override
    public NClob getNClob(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getNClob (read text with getString)");
    }

    @Override
    public Array getArray(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getArray (read arrays with getObject(i), a java.util.List,"
                + " or getObject(i, List.class))");
    }

    @Override
    public RowId getRowId(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getRowId");
    }

    @Override
    public SQLXML getSQLXML(int column) throws SQLException {
        throw JdbcErrors.unsupported("ResultSet.getSQLXML (read xml with getString)");
    }

    // ---------------------------------------------------------------- by label

    @Override
    public String getString(String label) throws SQLException {
        return getString(findColumn(label));
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return getBoolean(findColumn(label));
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return getByte(findColumn(label));
    }

    @Override
    public short getShort(String label) throws SQLException {
        return getShort(findColumn(label));
    }

    @Override
    public int getInt(String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public long getLong(String label) throws SQLException {
        return getLong(findColumn(label));
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return getFloat(findColumn(label));
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return getDouble(findColumn(label));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String label, int scale) throws SQLException {
        return getBigDecimal(findColumn(label), scale);
    }

    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException {
        return getBigDecimal(findColumn(label));
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return getBytes(findColumn(label));
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return getDate(findColumn(label));
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return getTime(findColumn(label));
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return getTimestamp(findColumn(label));
    }

    @Override
    public Date getDate(String label, Calendar cal) throws SQLException {
        return getDate(findColumn(label), cal);
    }

    @Override
    public Time getTime(String label, Calendar cal) throws SQLException {
        return getTime(findColumn(label), cal);
    }

    @Override
    public Timestamp getTimestamp(String label, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(label), cal);
    }

    @Override
    public InputStream getAsciiStream(String label) throws SQLException {
        return getAsciiStream(findColumn(label));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String label) throws SQLException {
        return getUnicodeStream(findColumn(label));
    }

    @Override
    public InputStream getBinaryStream(String label) throws SQLException {
        return getBinaryStream(findColumn(label));
    }

    @Override
    public Reader getCharacterStream(String label) throws SQLException {
        return getCharacterStream(findColumn(label));
    }

    @Override
    public Reader getNCharacterStream(String label) throws SQLException {
        return getNCharacterStream(findColumn(label));
    }

    @Override
    public String getNString(String label) throws SQLException {
        return getNString(findColumn(label));
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return getObject(findColumn(label));
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        return getObject(findColumn(label), type);
    }

    @Override
    public Object getObject(String label, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(label), map);
    }

    @Override
    public URL getURL(String label) throws SQLException {
        return getURL(findColumn(label));
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return getRef(findColumn(label));
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return getBlob(findColumn(label));
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return getClob(findColumn(label));
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return getNClob(findColumn(label));
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return getArray(findColumn(label));
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return getRowId(findColumn(label));
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return getSQLXML(findColumn(label));
    }

    // ---------------------------------------------------------------- Wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return JdbcErrors.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "LoomwireResultSet{columns=" + columns.stream().map(PgColumn::name).toList() + ", row=" + rowNumber
                + (closed ? ", closed" : "") + "}";
    }
}
