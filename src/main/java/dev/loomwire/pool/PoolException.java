package dev.loomwire.pool;

/** A connection could not be handed out: the pool is closed or the acquire timeout passed. */
public class PoolException extends RuntimeException {
    public PoolException(String message) {
        super(message);
    }

    public PoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
