package dev.loomwire.jdbc;

import dev.loomwire.pg.PgColumn;
import dev.loomwire.pg.PgResult;
import dev.loomwire.pg.PgRow;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Columns of a result as the server described them (RowDescription): label, type OID and name,
 * precision/scale from the type modifier. Table and schema names, nullability and
 * auto-increment come from pg_catalog in one query, on first use, for columns that are plain
 * table columns; for computed columns they are "" and {@link #columnNullableUnknown}.
 */
final class LoomwireResultSetMetaData implements ResultSetMetaData {
    /** What pg_catalog says about a table column. */
    private record Source(String table, String schema, boolean notNull, boolean autoIncrement) {}

    private final LoomwireConnection connection;
    private final List<PgColumn> columns;
    private Map<Long, Source> sources;
    private final Map<Integer, String> typeNames = new HashMap<>();

    LoomwireResultSetMetaData(LoomwireConnection connection, List<PgColumn> columns) {
        this.connection = connection;
        this.columns = columns;
    }

    private PgColumn column(int column) throws SQLException {
        if (column < 1 || column > columns.size()) {
            throw JdbcErrors.invalid("column index " + column + " out of range 1.." + columns.size());
        }
        return columns.get(column - 1);
    }

    private static long key(PgColumn c) {
        return (Integer.toUnsignedLong(c.tableOid()) << 16) | (c.columnNumber() & 0xffff);
    }

    /** The catalog facts of a column, null for computed columns or results built in memory. */
    private Source source(int column) throws SQLException {
        PgColumn c = column(column);
        if (c.tableOid() == 0 || connection == null) {
            return null;
        }
        if (sources == null) {
            Set<Long> tables = new LinkedHashSet<>();
            for (PgColumn col : columns) {
                if (col.tableOid() != 0) {
                    tables.add(Integer.toUnsignedLong(col.tableOid()));
                }
            }
            PgResult r = connection.internalQuery("SELECT a.attrelid::int8, a.attnum, c.relname, n.nspname, a.attnotnull,"
                    + " (a.attidentity <> '' OR coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')"
                    + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attrelid::int8 = ANY($1) AND a.attnum > 0", new ArrayList<>(tables));
            Map<Long, Source> m = new HashMap<>();
            for (PgRow row : r) {
                long k = (row.getLong(0) << 16) | (row.getShort(1) & 0xffff);
                m.put(k, new Source(row.getString(2), row.getString(3), row.getBoolean(4), row.getBoolean(5)));
            }
            sources = m;
        }
        return sources.get(key(c));
    }

    @Override
    public int getColumnCount() {
        return columns.size();
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        Source s = source(column);
        return s != null && s.autoIncrement();
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        int t = JdbcTypes.jdbcType(column(column).typeOid());
        return t == Types.VARCHAR || t == Types.CHAR || t == Types.OTHER;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        column(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return column(column).typeOid() == 790;
    }

    @Override
    public int isNullable(int column) throws SQLException {
        Source s = source(column);
        return s == null ? columnNullableUnknown : s.notNull() ? columnNoNulls : columnNullable;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        JdbcTypes.Info i = JdbcTypes.info(column(column).typeOid());
        return i != null && i.signed();
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        PgColumn c = column(column);
        int p = JdbcTypes.precision(c.typeOid(), c.typeModifier());
        if (c.typeOid() == 1700 && p > 0) {
            return p + 2; // sign and decimal point
        }
        return p == 0 ? Integer.MAX_VALUE : p;
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        Source s = source(column);
        return s == null ? "" : s.schema();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        PgColumn c = column(column);
        return JdbcTypes.precision(c.typeOid(), c.typeModifier());
    }

    @Override
    public int getScale(int column) throws SQLException {
        PgColumn c = column(column);
        return JdbcTypes.scale(c.typeOid(), c.typeModifier());
    }

    @Override
    public String getTableName(int column) throws SQLException {
        Source s = source(column);
        return s == null ? "" : s.table();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        column(column);
        return connection == null || column(column).tableOid() == 0 ? "" : connection.getCatalog();
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return JdbcTypes.jdbcType(column(column).typeOid());
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        int oid = column(column).typeOid();
        JdbcTypes.Info i = JdbcTypes.info(oid);
        if (i != null) {
            return i.name();
        }
        if (connection == null) {
            return "";
        }
        String name = typeNames.get(oid);
        if (name == null) {
            PgResult r = connection.internalQuery("SELECT typname FROM pg_catalog.pg_type WHERE oid = $1::int8::oid",
                    Integer.toUnsignedLong(oid));
            name = r.isEmpty() ? "" : r.get(0).getString(0);
            typeNames.put(oid, name);
        }
        return name;
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        return source(column) == null;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        return source(column) != null;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        column(column);
        return false;
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        JdbcTypes.Info i = JdbcTypes.info(column(column).typeOid());
        return i == null ? "java.lang.Object" : i.className();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return JdbcErrors.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
