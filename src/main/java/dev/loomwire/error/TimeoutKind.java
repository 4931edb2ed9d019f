package dev.loomwire.error;

/** Which time limit a {@link ErrorCategory#TIMEOUT} failure hit. */
public enum TimeoutKind {
    /** Opening the connection (connect_timeout); nothing was sent. */
    CONNECT,
    /** A command ran longer than its timeout (command_timeout, statement_timeout, a query timeout). */
    COMMAND,
    /** No pooled connection became free within the pool's acquire timeout; nothing was sent. */
    POOL_ACQUIRE
}
