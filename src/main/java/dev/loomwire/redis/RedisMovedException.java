package dev.loomwire.redis;

/** {@code MOVED}: the slot has moved to another node for good; refresh the slot map. */
public final class RedisMovedException extends RedisRedirectException {
    private static final long serialVersionUID = 1L;

    RedisMovedException(String serverMessage, String context, int slot, String endpoint) {
        super("MOVED", serverMessage, context, slot, endpoint);
    }
}
