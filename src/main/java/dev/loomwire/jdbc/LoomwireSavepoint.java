package dev.loomwire.jdbc;

import java.sql.SQLException;
import java.sql.Savepoint;

/** A savepoint set by {@link LoomwireConnection#setSavepoint}: numbered ({@code lw_savepoint_N}) or named. */
final class LoomwireSavepoint implements Savepoint {
    private final int id;
    private final String name;

    LoomwireSavepoint(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** The SQL identifier: {@code lw_savepoint_N}, or the name double-quoted. */
    String identifier() {
        return name == null ? "lw_savepoint_" + id : '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public int getSavepointId() throws SQLException {
        if (name != null) {
            throw new SQLException("savepoint \"" + name + "\" is named: use getSavepointName()", JdbcErrors.OBJECT_NOT_IN_STATE);
        }
        return id;
    }

    @Override
    public String getSavepointName() throws SQLException {
        if (name == null) {
            throw new SQLException("savepoint " + id + " is unnamed: use getSavepointId()", JdbcErrors.OBJECT_NOT_IN_STATE);
        }
        return name;
    }

    @Override
    public String toString() {
        return identifier();
    }
}
