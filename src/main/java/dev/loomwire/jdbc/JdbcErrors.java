package dev.loomwire.jdbc;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.pg.PgServerException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

/**
 * The one place where loomwire's exceptions become {@link SQLException}s, from their
 * {@link ErrorCategory} and, for server errors, their SQLSTATE (so HikariCP evicts broken
 * connections and Spring translates errors):
 *
 * <table>
 * <caption>category and SQLSTATE to SQLException</caption>
 * <tr><th>cause</th><th>SQLException</th><th>getSQLState()</th></tr>
 * <tr><td>CONFIGURATION: bad URL, parameter or file</td><td>SQLNonTransientConnectionException</td><td>08001</td></tr>
 * <tr><td>CONNECT: connecting failed, nothing was sent; connect or pool-acquire TIMEOUT</td><td>SQLTransientConnectionException</td><td>08001</td></tr>
 * <tr><td>BROKEN: the connection failed during a command (outcome unknown); client-side command TIMEOUT (network timeout), which closes the connection</td><td>SQLNonTransientConnectionException</td><td>08006 (08003: already closed)</td></tr>
 * <tr><td>server 28xxx (password, pg_hba.conf)</td><td>SQLInvalidAuthorizationSpecException</td><td>the server's</td></tr>
 * <tr><td>server 08xxx, or a FATAL error that ended the session (57P01 terminated...)</td><td>SQLNonTransientConnectionException</td><td>the server's</td></tr>
 * <tr><td>server 57014 (cancelled: query timeout, statement_timeout, cancel())</td><td>SQLTimeoutException</td><td>57014</td></tr>
 * <tr><td>server 23xxx</td><td>SQLIntegrityConstraintViolationException</td><td>the server's</td></tr>
 * <tr><td>server 40xxx</td><td>SQLTransactionRollbackException</td><td>the server's</td></tr>
 * <tr><td>server 42xxx</td><td>SQLSyntaxErrorException</td><td>the server's</td></tr>
 * <tr><td>server 22xxx</td><td>SQLDataException</td><td>the server's</td></tr>
 * <tr><td>server 0Axxx</td><td>SQLFeatureNotSupportedException</td><td>the server's</td></tr>
 * <tr><td>other server errors</td><td>SQLException</td><td>the server's</td></tr>
 * <tr><td>CLIENT: refused before reaching the server (bad parameter value...)</td><td>SQLException</td><td>HY000</td></tr>
 * </table>
 *
 * Configuration errors are connection exceptions (SQLSTATE class 08, "unable to establish") and
 * not 22023: the URL is part of establishing the connection, retrying cannot help
 * (non-transient), and Spring then reports a resource failure rather than a data error.
 * Messages are loomwire's (which name the parameter, host or certificate and never a password);
 * the cause is chained.
 */
final class JdbcErrors {
    /** Connection-level SQLSTATEs. */
    static final String UNABLE_TO_CONNECT = "08001";
    static final String CONNECTION_DOES_NOT_EXIST = "08003";
    static final String CONNECTION_FAILURE = "08006";
    static final String FEATURE_NOT_SUPPORTED = "0A000";
    static final String INVALID_PARAMETER_VALUE = "22023";
    static final String INVALID_CURSOR_STATE = "24000";
    static final String ACTIVE_TRANSACTION = "25001";
    static final String NO_ACTIVE_TRANSACTION = "25P01";
    static final String IN_FAILED_TRANSACTION = "25P02";
    static final String OBJECT_NOT_IN_STATE = "55000";
    static final String GENERAL_ERROR = "HY000";
    static final String DATA_CONVERSION = "22018";

    private JdbcErrors() {}

    /** The SQLException for any loomwire failure (connecting or running). */
    static SQLException of(RuntimeException e) {
        if (e instanceof PgServerException s) {
            return server(s);
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!(e instanceof LoomwireException l)) {
            return new SQLException(message, GENERAL_ERROR, e);
        }
        return switch (l.category()) {
            case CONFIGURATION -> new SQLNonTransientConnectionException(message, UNABLE_TO_CONNECT, e);
            case CONNECT -> new SQLTransientConnectionException(message, UNABLE_TO_CONNECT, e);
            case BROKEN -> new SQLNonTransientConnectionException(message,
                    message.startsWith("connection is closed") ? CONNECTION_DOES_NOT_EXIST : CONNECTION_FAILURE, e);
            case TIMEOUT -> l.timeoutKind().orElse(TimeoutKind.COMMAND) == TimeoutKind.COMMAND
                    ? new SQLNonTransientConnectionException(message, CONNECTION_FAILURE, e)
                    : new SQLTransientConnectionException(message, UNABLE_TO_CONNECT, e);
            case SERVER, CLIENT -> new SQLException(message, GENERAL_ERROR, e);
        };
    }

    private static SQLException server(PgServerException s) {
        String state = s.sqlState();
        String message = s.getMessage();
        if (state.startsWith("28")) {
            return new SQLInvalidAuthorizationSpecException(message, state, s); // FATAL at connect, but the cause is the credentials
        }
        if (state.startsWith("08") || s.terminatesSession()) {
            return new SQLNonTransientConnectionException(message, state, s);
        }
        if (state.equals("57014")) {
            return new SQLTimeoutException(message, state, s);
        }
        String cls = state.length() >= 2 ? state.substring(0, 2) : "";
        return switch (cls) {
            case "23" -> new SQLIntegrityConstraintViolationException(message, state, s);
            case "40" -> new SQLTransactionRollbackException(message, state, s);
            case "42" -> new SQLSyntaxErrorException(message, state, s);
            case "28" -> new SQLInvalidAuthorizationSpecException(message, state, s);
            case "22" -> new SQLDataException(message, state, s);
            case "0A" -> new SQLFeatureNotSupportedException(message, state, s);
            default -> new SQLException(message, state, s);
        };
    }

    /** {@code Wrapper.unwrap} for an object that wraps nothing but itself. */
    static <T> T unwrap(Object self, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        throw new SQLException(self.getClass().getSimpleName() + " is not a wrapper for " + iface.getName(), GENERAL_ERROR);
    }

    /** A JDBC feature loomwire does not implement (SQLSTATE 0A000). */
    static SQLFeatureNotSupportedException unsupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported by loomwire's JDBC driver",
                FEATURE_NOT_SUPPORTED);
    }

    /** The connection was closed (by close(), abort() or a failure): SQLSTATE 08003. */
    static SQLException connectionClosed() {
        return new SQLNonTransientConnectionException("connection is closed", CONNECTION_DOES_NOT_EXIST);
    }

    /** A statement or result set used after close(): SQLSTATE 55000 (object not in prerequisite state). */
    static SQLException closed(String what) {
        return new SQLException(what + " is closed", OBJECT_NOT_IN_STATE);
    }

    /** A bad argument to a JDBC method (index out of range, negative size...): SQLSTATE 22023. */
    static SQLException invalid(String message) {
        return new SQLException(message, INVALID_PARAMETER_VALUE);
    }

    /** A value that cannot be converted to what the getter asks for: SQLSTATE 22018. */
    static SQLException conversion(String message, Throwable cause) {
        return new SQLDataException(message, DATA_CONVERSION, cause);
    }
}
