package dev.loomwire.error;

/** Which part of loomwire threw a {@link LoomwireException}. */
public enum Driver {
    /** The PostgreSQL driver ({@code dev.loomwire.pg}). */
    POSTGRESQL,
    /** The Redis driver ({@code dev.loomwire.redis}). */
    REDIS,
    /** Neither: the generic connection pool ({@code dev.loomwire.pool}). */
    NONE
}
