package dev.loomwire.pool;

/** No connection became free within the acquire timeout; the message says how busy the pool was. */
public final class PoolTimeoutException extends PoolException {
    public PoolTimeoutException(String message) {
        super(message);
    }
}
