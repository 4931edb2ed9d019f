package dev.loomwire.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection lent by a {@link ConnectionPool}. {@link #close()} gives it back (the pool
 * discards it if it is broken); {@link #discard()} closes it instead. Either may be called more
 * than once; only the first call counts. Use it from one thread at a time.
 *
 * @param <C> the connection type
 */
public final class PooledConnection<C> implements AutoCloseable {
    private final ConnectionPool<C> pool;
    private final ConnectionPool.Entry<C> entry;
    private final AtomicBoolean returned = new AtomicBoolean();

    PooledConnection(ConnectionPool<C> pool, ConnectionPool.Entry<C> entry) {
        this.pool = pool;
        this.entry = entry;
    }

    /** The connection; do not keep it after {@link #close()}. */
    public C get() {
        if (returned.get()) {
            throw new IllegalStateException("this connection was already given back to pool " + pool.settings().name());
        }
        return entry.connection;
    }

    /** Gives the connection back to the pool (or closes it if it is broken, expired or the pool is closed). */
    @Override
    public void close() {
        if (returned.compareAndSet(false, true)) {
            pool.release(entry, false);
        }
    }

    /** Closes the connection instead of giving it back: for a connection left in an unknown state. */
    public void discard() {
        if (returned.compareAndSet(false, true)) {
            pool.release(entry, true);
        }
    }
}
