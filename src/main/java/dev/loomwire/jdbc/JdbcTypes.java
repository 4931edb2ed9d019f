package dev.loomwire.jdbc;

import dev.loomwire.pg.Oid;
import dev.loomwire.pg.PgColumn;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * What JDBC reports about a PostgreSQL type, by type OID: the {@link Types} code, the type name,
 * the Java class {@code getObject} returns, and precision/scale/display size from the type
 * modifier. Types not listed here are {@link Types#OTHER} (their name is looked up in pg_type).
 */
final class JdbcTypes {
    /** One built-in type. */
    record Info(int oid, String name, int jdbcType, String className, int precision, boolean signed) {}

    private static final Map<Integer, Info> BY_OID = new HashMap<>();

    static {
        add(16, "bool", Types.BIT, "java.lang.Boolean", 1, false);
        add(17, "bytea", Types.BINARY, "[B", Integer.MAX_VALUE, false);
        add(18, "char", Types.CHAR, "java.lang.String", 1, false);
        add(19, "name", Types.VARCHAR, "java.lang.String", 63, false);
        add(20, "int8", Types.BIGINT, "java.lang.Long", 19, true);
        add(21, "int2", Types.SMALLINT, "java.lang.Short", 5, true);
        add(23, "int4", Types.INTEGER, "java.lang.Integer", 10, true);
        add(25, "text", Types.VARCHAR, "java.lang.String", Integer.MAX_VALUE, false);
        add(26, "oid", Types.BIGINT, "java.lang.Long", 10, false);
        add(114, "json", Types.OTHER, "java.lang.String", Integer.MAX_VALUE, false);
        add(142, "xml", Types.SQLXML, "java.lang.String", Integer.MAX_VALUE, false);
        add(700, "float4", Types.REAL, "java.lang.Float", 8, true);
        add(701, "float8", Types.DOUBLE, "java.lang.Double", 17, true);
        add(790, "money", Types.DOUBLE, "java.lang.String", 0, true);
        add(869, "inet", Types.OTHER, "java.lang.Object", 0, false);
        add(650, "cidr", Types.OTHER, "java.lang.Object", 0, false);
        add(1042, "bpchar", Types.CHAR, "java.lang.String", Integer.MAX_VALUE, false);
        add(1043, "varchar", Types.VARCHAR, "java.lang.String", Integer.MAX_VALUE, false);
        add(1082, "date", Types.DATE, "java.sql.Date", 13, false);
        add(1083, "time", Types.TIME, "java.sql.Time", 15, false);
        add(1114, "timestamp", Types.TIMESTAMP, "java.sql.Timestamp", 29, false);
        add(1184, "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, "java.sql.Timestamp", 35, false);
        add(1186, "interval", Types.OTHER, "java.lang.Object", 49, false);
        add(1266, "timetz", Types.TIME_WITH_TIMEZONE, "java.time.OffsetTime", 21, false);
        add(1560, "bit", Types.BIT, "java.lang.String", 1, false);
        add(1562, "varbit", Types.OTHER, "java.lang.String", Integer.MAX_VALUE, false);
        add(1700, "numeric", Types.NUMERIC, "java.math.BigDecimal", 1000, true);
        add(2950, "uuid", Types.OTHER, "java.util.UUID", 36, false);
        add(3802, "jsonb", Types.OTHER, "java.lang.String", Integer.MAX_VALUE, false);
        add(2278, "void", Types.OTHER, "java.lang.Object", 0, false);
        add(705, "unknown", Types.VARCHAR, "java.lang.String", Integer.MAX_VALUE, false);
        for (int[] array : new int[][] {{1000, 16}, {1001, 17}, {1003, 19}, {1005, 21}, {1007, 23}, {1009, 25},
                {1014, 1042}, {1015, 1043}, {1016, 20}, {1021, 700}, {1022, 701}, {1115, 1114}, {1182, 1082},
                {1183, 1083}, {1185, 1184}, {1231, 1700}, {2951, 2950}, {199, 114}, {3807, 3802}, {1028, 26}}) {
            Info element = BY_OID.get(array[1]);
            add(array[0], "_" + element.name(), Types.ARRAY, "java.util.List", 0, false);
        }
    }

    /** {@code name} documents the row; the reported name is {@link Oid#typeName} where it knows the type. */
    private static void add(int oid, String name, int jdbcType, String className, int precision, boolean signed) {
        String known = Oid.typeName(oid);
        BY_OID.put(oid, new Info(oid, "unknown".equals(known) ? name : known, jdbcType, className, precision, signed));
    }

    private JdbcTypes() {}

    /** The built-in type with this OID, or null. */
    static Info info(int oid) {
        return BY_OID.get(oid);
    }

    /** The {@link Types} code for {@code oid} ({@link Types#OTHER} for types not built in). */
    static int jdbcType(int oid) {
        Info i = BY_OID.get(oid);
        return i == null ? Types.OTHER : i.jdbcType();
    }

    /**
     * JDBC precision: numeric's declared digits (0 undeclared), varchar/bpchar's declared length
     * (Integer.MAX_VALUE undeclared), else the type's fixed display precision. The type modifier
     * is read by {@link PgColumn} (one definition).
     */
    static int precision(int oid, int typmod) {
        PgColumn c = new PgColumn("", oid, 0, 0, typmod, 0);
        return switch (oid) {
            case Oid.NUMERIC -> Math.max(c.precision(), 0);
            case Oid.BPCHAR, Oid.VARCHAR -> c.precision() < 0 ? Integer.MAX_VALUE : c.precision();
            default -> {
                Info i = BY_OID.get(oid);
                yield i == null ? 0 : i.precision();
            }
        };
    }

    /** JDBC scale: numeric's declared scale, fractional-second digits of times (6 undeclared), else 0. */
    static int scale(int oid, int typmod) {
        PgColumn c = new PgColumn("", oid, 0, 0, typmod, 0);
        return switch (oid) {
            case Oid.NUMERIC -> Math.max(c.scale(), 0);
            case Oid.TIME, Oid.TIMETZ, Oid.TIMESTAMP, Oid.TIMESTAMPTZ -> c.scale() < 0 ? 6 : c.scale();
            case Oid.FLOAT4 -> 8;
            case Oid.FLOAT8 -> 17;
            default -> 0;
        };
    }

    /** The OID sent for a {@code setNull(i, sqlType)}: 0 (let the server infer) for types without one. */
    static int oidForSqlType(int sqlType) {
        return switch (sqlType) {
            case Types.BIT, Types.BOOLEAN -> 16;
            case Types.TINYINT, Types.SMALLINT -> 21;
            case Types.INTEGER -> 23;
            case Types.BIGINT -> 20;
            case Types.REAL -> 700;
            case Types.FLOAT, Types.DOUBLE -> 701;
            case Types.NUMERIC, Types.DECIMAL -> 1700;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> 1043;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> 17;
            case Types.DATE -> 1082;
            case Types.TIME -> 1083;
            case Types.TIMESTAMP -> 1114;
            case Types.TIME_WITH_TIMEZONE -> 1266;
            case Types.TIMESTAMP_WITH_TIMEZONE -> 1184;
            default -> 0;
        };
    }
}
