package dev.loomwire.jdbc;

import java.sql.ParameterMetaData;
import java.sql.SQLException;

/**
 * The parameters of a prepared statement with the types the server inferred for them (0 =
 * unknown: {@link java.sql.Types#OTHER}). For {@code {? = call f(...)}} parameter 1 is the
 * function's result ({@link #parameterModeOut}).
 */
final class LoomwireParameterMetaData implements ParameterMetaData {
    private final int[] oids;
    private final boolean firstIsResult;

    LoomwireParameterMetaData(int[] oids, boolean firstIsResult) {
        this.oids = oids;
        this.firstIsResult = firstIsResult;
    }

    /** The server parameter's type OID for JDBC parameter {@code param}, or -1 for a function result. */
    private int oid(int param) throws SQLException {
        int count = getParameterCount();
        if (param < 1 || param > count) {
            throw JdbcErrors.invalid("parameter index " + param + " out of range 1.." + count);
        }
        if (firstIsResult) {
            return param == 1 ? -1 : oids[param - 2];
        }
        return oids[param - 1];
    }

    @Override
    public int getParameterCount() {
        return oids.length + (firstIsResult ? 1 : 0);
    }

    @Override
    public int isNullable(int param) throws SQLException {
        oid(param);
        return parameterNullableUnknown;
    }

    @Override
    public boolean isSigned(int param) throws SQLException {
        JdbcTypes.Info i = JdbcTypes.info(oid(param));
        return i != null && i.signed();
    }

    @Override
    public int getPrecision(int param) throws SQLException {
        int oid = oid(param);
        return oid < 0 ? 0 : JdbcTypes.precision(oid, -1);
    }

    @Override
    public int getScale(int param) throws SQLException {
        int oid = oid(param);
        return oid < 0 ? 0 : JdbcTypes.scale(oid, -1);
    }

    @Override
    public int getParameterType(int param) throws SQLException {
        int oid = oid(param);
        return oid <= 0 ? java.sql.Types.OTHER : JdbcTypes.jdbcType(oid);
    }

    @Override
    public String getParameterTypeName(int param) throws SQLException {
        JdbcTypes.Info i = JdbcTypes.info(oid(param));
        return i == null ? "unknown" : i.name();
    }

    @Override
    public String getParameterClassName(int param) throws SQLException {
        JdbcTypes.Info i = JdbcTypes.info(oid(param));
        return i == null ? "java.lang.Object" : i.className();
    }

    @Override
    public int getParameterMode(int param) throws SQLException {
        return oid(param) < 0 ? parameterModeOut : parameterModeIn;
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
