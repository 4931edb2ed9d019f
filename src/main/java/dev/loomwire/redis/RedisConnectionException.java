package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.error.ConnectPhase;

/**
 * The transport failed: connect, TLS, timeout, closed socket or a reply that breaks the protocol.
 * The connection that threw it is broken and already closed.
 *
 * <p>{@link #category()} is {@link ErrorCategory#CONNECT} when built with a connect phase or when
 * the cause shows the connection never opened (TLS, DNS, TCP), {@link ErrorCategory#CONFIGURATION}
 * for a TLS configuration error, and otherwise {@link ErrorCategory#BROKEN}: see
 * {@link LoomwireException}.
 */
public class RedisConnectionException extends RedisException {
    private static final long serialVersionUID = 1L;

    public RedisConnectionException(String message) {
        super((String) null, null, message, null);
    }

    public RedisConnectionException(String message, Throwable cause) {
        super((String) null, null, message, cause);
    }

    /** Connecting to {@code host} failed in {@code phase}: category {@link ErrorCategory#CONNECT}. */
    public RedisConnectionException(String message, Throwable cause, String host, ConnectPhase phase) {
        super(host, java.util.Objects.requireNonNull(phase, "phase"), message, cause);
    }

    /** For subclasses and {@link #broken}: a fixed category. */
    protected RedisConnectionException(ErrorCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }

    /** For timeouts. */
    protected RedisConnectionException(TimeoutKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** The connection broke during a command: category {@link ErrorCategory#BROKEN}, whatever the cause. */
    public static RedisConnectionException broken(String message, Throwable cause) {
        return new RedisConnectionException(ErrorCategory.BROKEN, message, cause);
    }
}
