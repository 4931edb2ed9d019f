package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;

/**
 * A failure of the cluster client itself, with a {@link Kind} callers can act on: no seed
 * answered, the seed is not a cluster, a node was refused by TLS verification, keys span slots,
 * too many redirects, or a slot no node serves.
 */
public class RedisClusterException extends RedisException {
    /** What went wrong. */
    public enum Kind {
        /** No seed node could be reached or asked for the topology; the message lists each seed and why. */
        NO_SEED_REACHABLE,
        /** A seed answered but runs without cluster support ({@code cluster_enabled:0}). */
        NOT_A_CLUSTER,
        /** A discovered node failed TLS verification; the message names the node, the name checked and the fix. */
        NODE_TLS_REFUSED,
        /** The keys of one transaction (or other single-slot operation) hash to more than one slot; nothing was sent. */
        CROSSSLOT,
        /** More redirects (MOVED/ASK) than allowed for one command; the message names the slot and the nodes tried. */
        TOO_MANY_REDIRECTS,
        /** The topology has no node for the slot, or the cluster stayed down until the command's deadline. */
        SLOT_UNAVAILABLE
    }

    private static final long serialVersionUID = 1L;

    private final Kind kind;

    public RedisClusterException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RedisClusterException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * By {@link Kind}: no seed, a node refused by TLS or no node for the slot is
     * {@link ErrorCategory#CONNECT} (nothing was sent); not a cluster is
     * {@link ErrorCategory#CONFIGURATION}; keys in several slots is {@link ErrorCategory#CLIENT};
     * too many redirects is {@link ErrorCategory#SERVER}.
     */
    @Override
    public ErrorCategory category() {
        return switch (kind) {
            case NO_SEED_REACHABLE, NODE_TLS_REFUSED, SLOT_UNAVAILABLE -> ErrorCategory.CONNECT;
            case NOT_A_CLUSTER -> ErrorCategory.CONFIGURATION;
            case CROSSSLOT -> ErrorCategory.CLIENT;
            case TOO_MANY_REDIRECTS -> ErrorCategory.SERVER;
        };
    }

    /** The category of the failure. */
    public Kind kind() {
        return kind;
    }
}
