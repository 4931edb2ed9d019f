/**
 * The exception model shared by the PostgreSQL driver, the Redis driver and the pool: every
 * exception they throw is a {@link dev.loomwire.error.LoomwireException} with an
 * {@link dev.loomwire.error.ErrorCategory} callers can act on. The drivers' own roots
 * ({@code PgException}, {@code RedisException}, {@code PoolException}) stay classes; the category
 * is an accessor because Java allows one superclass.
 */
package dev.loomwire.error;
