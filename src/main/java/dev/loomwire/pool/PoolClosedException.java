package dev.loomwire.pool;

import dev.loomwire.error.ErrorCategory;

/** The pool was closed before or while the caller waited for a connection. Category {@link ErrorCategory#CLIENT}. */
public final class PoolClosedException extends PoolException {
    private static final long serialVersionUID = 1L;

    public PoolClosedException(String message) {
        super(message);
    }
}
