package dev.loomwire.pool;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;

/**
 * No connection became free within the acquire timeout; the message says how busy the pool was.
 * Category {@link ErrorCategory#TIMEOUT}, {@link TimeoutKind#POOL_ACQUIRE}: nothing was sent.
 */
public final class PoolTimeoutException extends PoolException {
    private static final long serialVersionUID = 1L;

    public PoolTimeoutException(String message) {
        super(TimeoutKind.POOL_ACQUIRE, message, null);
    }
}
