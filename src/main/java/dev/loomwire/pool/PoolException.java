package dev.loomwire.pool;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;

/**
 * A connection could not be handed out: the pool is closed ({@link PoolClosedException}), the
 * acquire timeout passed ({@link PoolTimeoutException}) or the wait was interrupted (a plain
 * {@code PoolException}, category {@link ErrorCategory#CLIENT}). When the pool could not open a
 * connection, the caller gets the driver's own exception instead (e.g. a CONNECT failure).
 */
public class PoolException extends LoomwireException {
    private static final long serialVersionUID = 1L;

    /** A {@link ErrorCategory#CLIENT} failure. */
    public PoolException(String message) {
        super(ErrorCategory.CLIENT, message, null);
    }

    /** A {@link ErrorCategory#CLIENT} failure with its cause. */
    public PoolException(String message, Throwable cause) {
        super(ErrorCategory.CLIENT, message, cause);
    }

    /** A timeout of the given kind. */
    protected PoolException(TimeoutKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** {@link Driver#NONE}: the pool serves both drivers. */
    @Override
    public Driver driver() {
        return Driver.NONE;
    }
}
