package dev.loomwire.pool;

/** The pool was closed before or while the caller waited for a connection. */
public final class PoolClosedException extends PoolException {
    public PoolClosedException(String message) {
        super(message);
    }
}
