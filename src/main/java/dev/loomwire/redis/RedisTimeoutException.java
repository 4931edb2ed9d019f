package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;

/**
 * A time limit of the Redis driver passed: category {@link ErrorCategory#TIMEOUT}, and
 * {@link #timeoutKind()} says which limit. A reply that did not come within the command timeout
 * cannot be matched to its command any more, so the connection is closed.
 */
public class RedisTimeoutException extends RedisConnectionException {
    private static final long serialVersionUID = 1L;

    public RedisTimeoutException(TimeoutKind kind, String message, Throwable cause) {
        super(java.util.Objects.requireNonNull(kind, "kind"), message, cause);
    }
}
