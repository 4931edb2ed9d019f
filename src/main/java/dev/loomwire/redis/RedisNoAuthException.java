package dev.loomwire.redis;

/** {@code NOAUTH}: the server requires authentication and the connection has not authenticated (set a password or ACL user). */
public class RedisNoAuthException extends RedisServerException {
    private static final long serialVersionUID = 1L;

    RedisNoAuthException(String serverMessage, String context) {
        super("NOAUTH", serverMessage, context);
    }
}
