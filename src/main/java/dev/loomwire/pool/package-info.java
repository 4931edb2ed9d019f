/**
 * A generic, fair connection pool for blocking drivers used from many virtual threads:
 * {@link dev.loomwire.pool.ConnectionPool} with {@link dev.loomwire.pool.PoolSettings}. Waiting
 * callers park on {@code ReentrantLock} conditions in strict FIFO order; nothing spins or pins a
 * carrier.
 */
package dev.loomwire.pool;
