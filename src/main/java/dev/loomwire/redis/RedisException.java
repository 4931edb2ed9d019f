package dev.loomwire.redis;

/** Root of every exception the Redis driver throws; unchecked. */
public class RedisException extends RuntimeException {
    public RedisException(String message) {
        super(message);
    }

    public RedisException(String message, Throwable cause) {
        super(message, cause);
    }
}
