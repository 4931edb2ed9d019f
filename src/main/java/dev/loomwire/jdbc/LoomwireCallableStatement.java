package dev.loomwire.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A JDBC {@link CallableStatement} for the escapes PostgreSQL can answer with a SELECT:
 * {@code {? = call f(?, ?)}} runs {@code SELECT f($1, $2)} and parameter 1 (registered with
 * {@link #registerOutParameter(int, int)}) reads the function's result; {@code {call f(?)}} runs
 * {@code SELECT * FROM f($1)} and its rows are read through {@link #getResultSet()}. OUT and
 * INOUT parameters of procedures, and parameters by name, throw
 * {@link java.sql.SQLFeatureNotSupportedException}.
 */
public final class LoomwireCallableStatement extends LoomwirePreparedStatement implements CallableStatement {
    private boolean registered;
    private LoomwireResultSet result;

    LoomwireCallableStatement(LoomwireConnection connection, JdbcSql sql) {
        super(connection, sql, Keys.NONE);
    }

    @Override
    int slot(int index) throws SQLException {
        if (!sql.callReturnsValue()) {
            return super.slot(index);
        }
        if (index == 1) {
            throw JdbcErrors.invalid("parameter 1 of {? = call ...} is the function's result: register it with"
                    + " registerOutParameter(1, type), do not set it");
        }
        return super.slot(index - 1);
    }

    private void register(int index) throws SQLException {
        ensureOpen();
        if (!sql.callReturnsValue() || index != 1) {
            throw JdbcErrors.unsupported("OUT parameter " + index + " (only the result of {? = call f(...)} is an OUT"
                    + " parameter; read a procedure's or function's OUT columns through getResultSet())");
        }
        registered = true;
    }

    @Override
    boolean run(JdbcSql sql, Object[] params, Keys keys) throws SQLException {
        if (result != null) {
            LoomwireResultSet old = result;
            result = null;
            old.close();
        }
        boolean hasResultSet = super.run(sql, params, keys);
        if (this.sql.callReturnsValue() && hasResultSet) {
            ResultSet rs = getResultSet();
            result = (LoomwireResultSet) rs;
            setUpdateCount(-1);
            if (!result.next()) {
                throw new SQLException("the function returned no row", "02000");
            }
            return false;
        }
        return hasResultSet;
    }

    /** The function's result row, for JDBC parameter {@code index} (which must be 1, registered). */
    private LoomwireResultSet result(int index) throws SQLException {
        ensureOpen();
        if (!sql.callReturnsValue() || index != 1) {
            throw JdbcErrors.unsupported("reading OUT parameter " + index + " (only parameter 1 of {? = call f(...)})");
        }
        if (!registered) {
            throw new SQLException("parameter 1 was not registered with registerOutParameter", "07009");
        }
        if (result == null) {
            throw new SQLException("the statement has not been executed", JdbcErrors.OBJECT_NOT_IN_STATE);
        }
        return result;
    }

    private LoomwireResultSet result() throws SQLException {
        return result(1);
    }

    @Override
    public void registerOutParameter(int a0, int a1) throws SQLException {
        register(a0);
    }

    @Override
    public void registerOutParameter(int a0, int a1, int a2) throws SQLException {
        register(a0);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return result().wasNull();
    }

    @Override
    public String getString(int a0) throws SQLException {
        return result(a0).getString(1);
    }

    @Override
    public boolean getBoolean(int a0) throws SQLException {
        return result(a0).getBoolean(1);
    }

    @Override
    public byte getByte(int a0) throws SQLException {
        return result(a0).getByte(1);
    }

    @Override
    public short getShort(int a0) throws SQLException {
        return result(a0).getShort(1);
    }

    @Override
    public int getInt(int a0) throws SQLException {
        return result(a0).getInt(1);
    }

    @Override
    public long getLong(int a0) throws SQLException {
        return result(a0).getLong(1);
    }

    @Override
    public float getFloat(int a0) throws SQLException {
        return result(a0).getFloat(1);
    }

    @Override
    public double getDouble(int a0) throws SQLException {
        return result(a0).getDouble(1);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int a0, int a1) throws SQLException {
        return result(a0).getBigDecimal(1, a1);
    }

    @Override
    public byte[] getBytes(int a0) throws SQLException {
        return result(a0).getBytes(1);
    }

    @Override
    public Date getDate(int a0) throws SQLException {
        return result(a0).getDate(1);
    }

    @Override
    public Time getTime(int a0) throws SQLException {
        return result(a0).getTime(1);
    }

    @Override
    public Timestamp getTimestamp(int a0) throws SQLException {
        return result(a0).getTimestamp(1);
    }

    @Override
    public Object getObject(int a0) throws SQLException {
        return result(a0).getObject(1);
    }

    @Override
    public BigDecimal getBigDecimal(int a0) throws SQLException {
        return result(a0).getBigDecimal(1);
    }

    @Override
    public Object getObject(int a0, Map<String, Class<?>> a1) throws SQLException {
        return result(a0).getObject(1, a1);
    }

    @Override
    public Ref getRef(int a0) throws SQLException {
        return result(a0).getRef(1);
    }

    @Override
    public Blob getBlob(int a0) throws SQLException {
        return result(a0).getBlob(1);
    }

    @Override
    public Clob getClob(int a0) throws SQLException {
        return result(a0).getClob(1);
    }

    @Override
    public Array getArray(int a0) throws SQLException {
        return result(a0).getArray(1);
    }

    @Override
    public Date getDate(int a0, Calendar a1) throws SQLException {
        return result(a0).getDate(1, a1);
    }

    @Override
    public Time getTime(int a0, Calendar a1) throws SQLException {
        return result(a0).getTime(1, a1);
    }

    @Override
    public Timestamp getTimestamp(int a0, Calendar a1) throws SQLException {
        return result(a0).getTimestamp(1, a1);
    }

    @Override
    public void registerOutParameter(int a0, int a1, String a2) throws SQLException {
        register(a0);
    }

    @Override
    public void registerOutParameter(String a0, int a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.registerOutParameter by parameter name (use the index)");
    }

    @Override
    public void registerOutParameter(String a0, int a1, int a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.registerOutParameter by parameter name (use the index)");
    }

    @Override
    public void registerOutParameter(String a0, int a1, String a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.registerOutParameter by parameter name (use the index)");
    }

    @Override
    public java.net.URL getURL(int a0) throws SQLException {
        return result(a0).getURL(1);
    }

    @Override
    public void setURL(String a0, java.net.URL a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setURL by parameter name (use the index)");
    }

    @Override
    public void setNull(String a0, int a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNull by parameter name (use the index)");
    }

    @Override
    public void setBoolean(String a0, boolean a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBoolean by parameter name (use the index)");
    }

    @Override
    public void setByte(String a0, byte a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setByte by parameter name (use the index)");
    }

    @Override
    public void setShort(String a0, short a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setShort by parameter name (use the index)");
    }

    @Override
    public void setInt(String a0, int a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setInt by parameter name (use the index)");
    }

    @Override
    public void setLong(String a0, long a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setLong by parameter name (use the index)");
    }

    @Override
    public void setFloat(String a0, float a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setFloat by parameter name (use the index)");
    }

    @Override
    public void setDouble(String a0, double a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setDouble by parameter name (use the index)");
    }

    @Override
    public void setBigDecimal(String a0, BigDecimal a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBigDecimal by parameter name (use the index)");
    }

    @Override
    public void setString(String a0, String a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setString by parameter name (use the index)");
    }

    @Override
    public void setBytes(String a0, byte[] a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBytes by parameter name (use the index)");
    }

    @Override
    public void setDate(String a0, Date a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setDate by parameter name (use the index)");
    }

    @Override
    public void setTime(String a0, Time a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setTime by parameter name (use the index)");
    }

    @Override
    public void setTimestamp(String a0, Timestamp a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setTimestamp by parameter name (use the index)");
    }

    @Override
    public void setAsciiStream(String a0, InputStream a1, int a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setAsciiStream by parameter name (use the index)");
    }

    @Override
    public void setBinaryStream(String a0, InputStream a1, int a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBinaryStream by parameter name (use the index)");
    }

    @Override
    public void setObject(String a0, Object a1, int a2, int a3) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setObject by parameter name (use the index)");
    }

    @Override
    public void setObject(String a0, Object a1, int a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setObject by parameter name (use the index)");
    }

    @Override
    public void setObject(String a0, Object a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setObject by parameter name (use the index)");
    }

    @Override
    public void setCharacterStream(String a0, Reader a1, int a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setDate(String a0, Date a1, Calendar a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setDate by parameter name (use the index)");
    }

    @Override
    public void setTime(String a0, Time a1, Calendar a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setTime by parameter name (use the index)");
    }

    @Override
    public void setTimestamp(String a0, Timestamp a1, Calendar a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setTimestamp by parameter name (use the index)");
    }

    @Override
    public void setNull(String a0, int a1, String a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNull by parameter name (use the index)");
    }

    @Override
    public String getString(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getString by parameter name (use the index)");
    }

    @Override
    public boolean getBoolean(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getBoolean by parameter name (use the index)");
    }

    @Override
    public byte getByte(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getByte by parameter name (use the index)");
    }

    @Override
    public short getShort(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getShort by parameter name (use the index)");
    }

    @Override
    public int getInt(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getInt by parameter name (use the index)");
    }

    @Override
    public long getLong(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getLong by parameter name (use the index)");
    }

    @Override
    public float getFloat(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getFloat by parameter name (use the index)");
    }

    @Override
    public double getDouble(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getDouble by parameter name (use the index)");
    }

    @Override
    public byte[] getBytes(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getBytes by parameter name (use the index)");
    }

    @Override
    public Date getDate(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getDate by parameter name (use the index)");
    }

    @Override
    public Time getTime(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getTime by parameter name (use the index)");
    }

    @Override
    public Timestamp getTimestamp(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getTimestamp by parameter name (use the index)");
    }

    @Override
    public Object getObject(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getObject by parameter name (use the index)");
    }

    @Override
    public BigDecimal getBigDecimal(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getBigDecimal by parameter name (use the index)");
    }

    @Override
    public Object getObject(String a0, Map<String, Class<?>> a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getObject by parameter name (use the index)");
    }

    @Override
    public Ref getRef(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getRef by parameter name (use the index)");
    }

    @Override
    public Blob getBlob(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getBlob by parameter name (use the index)");
    }

    @Override
    public Clob getClob(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getClob by parameter name (use the index)");
    }

    @Override
    public Array getArray(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getArray by parameter name (use the index)");
    }

    @Override
    public Date getDate(String a0, Calendar a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getDate by parameter name (use the index)");
    }

    @Override
    public Time getTime(String a0, Calendar a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getTime by parameter name (use the index)");
    }

    @Override
    public Timestamp getTimestamp(String a0, Calendar a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getTimestamp by parameter name (use the index)");
    }

    @Override
    public java.net.URL getURL(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getURL by parameter name (use the index)");
    }

    @Override
    public RowId getRowId(int a0) throws SQLException {
        return result(a0).getRowId(1);
    }

    @Override
    public RowId getRowId(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getRowId by parameter name (use the index)");
    }

    @Override
    public void setRowId(String a0, RowId a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setRowId by parameter name (use the index)");
    }

    @Override
    public void setNString(String a0, String a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNString by parameter name (use the index)");
    }

    @Override
    public void setNCharacterStream(String a0, Reader a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setNClob(String a0, NClob a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNClob by parameter name (use the index)");
    }

    @Override
    public void setClob(String a0, Reader a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setClob by parameter name (use the index)");
    }

    @Override
    public void setBlob(String a0, InputStream a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBlob by parameter name (use the index)");
    }

    @Override
    public void setNClob(String a0, Reader a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNClob by parameter name (use the index)");
    }

    @Override
    public NClob getNClob(int a0) throws SQLException {
        return result(a0).getNClob(1);
    }

    @Override
    public NClob getNClob(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getNClob by parameter name (use the index)");
    }

    @Override
    public void setSQLXML(String a0, SQLXML a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setSQLXML by parameter name (use the index)");
    }

    @Override
    public SQLXML getSQLXML(int a0) throws SQLException {
        return result(a0).getSQLXML(1);
    }

    @Override
    public SQLXML getSQLXML(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getSQLXML by parameter name (use the index)");
    }

    @Override
    public String getNString(int a0) throws SQLException {
        return result(a0).getNString(1);
    }

    @Override
    public String getNString(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getNString by parameter name (use the index)");
    }

    @Override
    public Reader getNCharacterStream(int a0) throws SQLException {
        return result(a0).getNCharacterStream(1);
    }

    @Override
    public Reader getNCharacterStream(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getNCharacterStream by parameter name (use the index)");
    }

    @Override
    public Reader getCharacterStream(int a0) throws SQLException {
        return result(a0).getCharacterStream(1);
    }

    @Override
    public Reader getCharacterStream(String a0) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setBlob(String a0, Blob a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBlob by parameter name (use the index)");
    }

    @Override
    public void setClob(String a0, Clob a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setClob by parameter name (use the index)");
    }

    @Override
    public void setAsciiStream(String a0, InputStream a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setAsciiStream by parameter name (use the index)");
    }

    @Override
    public void setBinaryStream(String a0, InputStream a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBinaryStream by parameter name (use the index)");
    }

    @Override
    public void setCharacterStream(String a0, Reader a1, long a2) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setAsciiStream(String a0, InputStream a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setAsciiStream by parameter name (use the index)");
    }

    @Override
    public void setBinaryStream(String a0, InputStream a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBinaryStream by parameter name (use the index)");
    }

    @Override
    public void setCharacterStream(String a0, Reader a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setNCharacterStream(String a0, Reader a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNCharacterStream by parameter name (use the index)");
    }

    @Override
    public void setClob(String a0, Reader a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setClob by parameter name (use the index)");
    }

    @Override
    public void setBlob(String a0, InputStream a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setBlob by parameter name (use the index)");
    }

    @Override
    public void setNClob(String a0, Reader a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.setNClob by parameter name (use the index)");
    }

    @Override
    public <T> T getObject(int a0, Class<T> a1) throws SQLException {
        return result(a0).getObject(1, a1);
    }

    @Override
    public <T> T getObject(String a0, Class<T> a1) throws SQLException {
        throw JdbcErrors.unsupported("CallableStatement.getObject by parameter name (use the index)");
    }


}
