package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;

/**
 * A failure of a Sentinel-backed {@link RedisClient} ({@code rediss-sentinel://}) with a
 * {@link Kind} callers can act on: no Sentinel answered, the master name is unknown, no node was
 * confirmed as primary, a Sentinel or a data node was refused by TLS verification, or a command
 * was cut off by a failover. Messages list every Sentinel asked and what each said.
 */
public class RedisSentinelException extends RedisConnectionException {
    /** What went wrong. */
    public enum Kind {
        /** No Sentinel could be reached or asked; the message lists each Sentinel and why. */
        NO_SENTINEL_REACHABLE,
        /** The Sentinels answered but none monitors the master name. */
        UNKNOWN_MASTER,
        /** The Sentinels named a primary, but none answered {@code ROLE} as {@code master} (stale Sentinels, or the primary is down). */
        NO_PRIMARY,
        /** Every reachable Sentinel failed TLS verification; the message names the name checked and the {@code sentinel_ssl*} fix. */
        SENTINEL_TLS_REFUSED,
        /** The primary or a replica failed TLS verification; the message names the name checked and the fix. */
        NODE_TLS_REFUSED,
        /**
         * The connection to the primary failed while a command that is not safe to repeat was in
         * flight (a failover or a crash): it may or may not have run; nothing was retried.
         */
        FAILOVER_IN_FLIGHT
    }

    private static final long serialVersionUID = 1L;

    private final Kind kind;

    public RedisSentinelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * By {@link Kind}: an unknown master name is {@link ErrorCategory#CONFIGURATION}; a command cut
     * off by a failover is {@link ErrorCategory#BROKEN} (outcome unknown); the rest are
     * {@link ErrorCategory#CONNECT}.
     */
    @Override
    public ErrorCategory category() {
        return switch (kind) {
            case UNKNOWN_MASTER -> ErrorCategory.CONFIGURATION;
            case FAILOVER_IN_FLIGHT -> ErrorCategory.BROKEN;
            case NO_SENTINEL_REACHABLE, NO_PRIMARY, SENTINEL_TLS_REFUSED, NODE_TLS_REFUSED -> ErrorCategory.CONNECT;
        };
    }

    /** The category of the failure. */
    public Kind kind() {
        return kind;
    }
}
