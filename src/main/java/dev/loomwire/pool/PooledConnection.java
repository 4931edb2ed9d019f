package dev.loomwire.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A connection lent by a {@link ConnectionPool}. {@link #close()} gives it back (the pool
 * discards it if it is broken); {@link #discard()} closes it instead. Either may be called more
 * than once; only the first call counts. Use it from one thread at a time.
 *
 * @param <C> the connection type
 */
public final class PooledConnection<C> implements AutoCloseable {
    private static final VarHandle RETURNED;

    static {
        try {
            RETURNED = MethodHandles.lookup().findVarHandle(PooledConnection.class, "returned", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionPool<C> pool;
    private final ConnectionPool.Entry<C> entry;
    /** Set once by the first close/discard (through {@link #RETURNED}: one object per borrow, not two). */
    private volatile boolean returned;

    PooledConnection(ConnectionPool<C> pool, ConnectionPool.Entry<C> entry) {
        this.pool = pool;
        this.entry = entry;
    }

    /** The connection; do not keep it after {@link #close()}. */
    public C get() {
        if (returned) {
            throw new IllegalStateException("this connection was already given back to pool " + pool.settings().name());
        }
        return entry.connection;
    }

    /** Gives the connection back to the pool (or closes it if it is broken, expired or the pool is closed). */
    @Override
    public void close() {
        if (RETURNED.compareAndSet(this, false, true)) {
            pool.release(entry, false);
        }
    }

    /** Closes the connection instead of giving it back: for a connection left in an unknown state. */
    public void discard() {
        if (RETURNED.compareAndSet(this, false, true)) {
            pool.release(entry, true);
        }
    }
}
