package dev.loomwire.redis;

/**
 * The transport failed: connect, TLS, timeout, closed socket or a reply that breaks the protocol.
 * The connection that threw it is broken and already closed.
 */
public class RedisConnectionException extends RedisException {
    public RedisConnectionException(String message) {
        super(message);
    }

    public RedisConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
