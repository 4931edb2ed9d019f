package dev.loomwire.redis;

/** {@code READONLY}: a write was sent to a replica (after a failover, or a read-only replica); send it to the primary. */
public class RedisReadOnlyException extends RedisServerException {
    private static final long serialVersionUID = 1L;

    RedisReadOnlyException(String serverMessage, String context) {
        super("READONLY", serverMessage, context);
    }
}
