package dev.loomwire.redis;

/** {@code ASK}: the slot is migrating; ask the given node once, preceded by {@code ASKING}. */
public final class RedisAskException extends RedisRedirectException {
    private static final long serialVersionUID = 1L;

    RedisAskException(String serverMessage, String context, int slot, String endpoint) {
        super("ASK", serverMessage, context, slot, endpoint);
    }
}
