package dev.loomwire.pg;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.error.ConnectPhase;

/**
 * Root of every exception the PostgreSQL driver throws (unchecked). A plain {@code PgException} is
 * a {@link ErrorCategory#CLIENT} failure (a value that does not convert, a bad parameter, no such
 * column); subclasses carry the other categories of {@link LoomwireException#category()}.
 */
public class PgException extends LoomwireException {
    private static final long serialVersionUID = 1L;

    /** A {@link ErrorCategory#CLIENT} failure. */
    public PgException(String message) {
        super(ErrorCategory.CLIENT, message, null);
    }

    /** A {@link ErrorCategory#CLIENT} failure with its cause. */
    public PgException(String message, Throwable cause) {
        super(ErrorCategory.CLIENT, message, cause);
    }

    /** A failure of the given category (not TIMEOUT). */
    protected PgException(ErrorCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }

    /** A timeout of the given kind. */
    protected PgException(TimeoutKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** A connection failure: CONNECT when {@code phase} is given, else read from the cause. */
    protected PgException(String host, ConnectPhase phase, String message, Throwable cause) {
        super(host, phase, message, cause);
    }

    @Override
    public final Driver driver() {
        return Driver.POSTGRESQL;
    }
}
