package dev.loomwire.pool;

/**
 * How a {@link ConnectionPool} opens, checks and closes the connections it manages. Called
 * without any pool lock held, so every method may block.
 *
 * @param <C> the connection type
 */
public interface ConnectionFactory<C> {
    /** Opens a new connection; a failure is thrown to the caller that needed it. */
    C open();

    /** A cheap local check (no I/O): false when the connection is closed or broken and must be discarded. */
    boolean isUsable(C connection);

    /**
     * A round trip proving the connection still works (e.g. PING or an empty query), run on
     * borrow after it sat idle longer than {@link PoolSettings#validateAfterIdle()}. Returns false
     * (or throws) when it does not; the pool then discards it and tries another.
     */
    boolean validate(C connection);

    /** Closes the connection; must not throw for a connection that is already broken. */
    void close(C connection);
}
