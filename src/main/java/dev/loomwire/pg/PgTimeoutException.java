package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;

/**
 * A time limit of the PostgreSQL driver passed: category {@link ErrorCategory#TIMEOUT}, and
 * {@link #timeoutKind()} says which limit. After a {@link TimeoutKind#COMMAND} timeout that could
 * not be cancelled the connection is closed.
 */
public class PgTimeoutException extends PgConnectionException {
    private static final long serialVersionUID = 1L;

    public PgTimeoutException(TimeoutKind kind, String message, Throwable cause) {
        super(java.util.Objects.requireNonNull(kind, "kind"), message, cause);
    }
}
