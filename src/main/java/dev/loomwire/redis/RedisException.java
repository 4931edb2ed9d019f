package dev.loomwire.redis;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.error.ConnectPhase;

/**
 * Root of every exception the Redis driver throws; unchecked. A plain {@code RedisException} is a
 * {@link ErrorCategory#CLIENT} failure (a reply of an unexpected type, an interrupted wait);
 * subclasses carry the other categories of {@link LoomwireException#category()}.
 */
public class RedisException extends LoomwireException {
    private static final long serialVersionUID = 1L;

    /** A {@link ErrorCategory#CLIENT} failure. */
    public RedisException(String message) {
        super(ErrorCategory.CLIENT, message, null);
    }

    /** A {@link ErrorCategory#CLIENT} failure with its cause. */
    public RedisException(String message, Throwable cause) {
        super(ErrorCategory.CLIENT, message, cause);
    }

    /** A failure of the given category (not TIMEOUT). */
    protected RedisException(ErrorCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }

    /** A timeout of the given kind. */
    protected RedisException(TimeoutKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** A connection failure: CONNECT when {@code phase} is given, else read from the cause. */
    protected RedisException(String host, ConnectPhase phase, String message, Throwable cause) {
        super(host, phase, message, cause);
    }

    @Override
    public final Driver driver() {
        return Driver.REDIS;
    }
}
