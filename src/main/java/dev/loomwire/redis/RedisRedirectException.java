package dev.loomwire.redis;

/**
 * A cluster redirect: the slot is served by another node ({@link RedisMovedException}) or is
 * migrating ({@link RedisAskException}). {@link #slot()} and {@link #endpoint()} are parsed from
 * {@code MOVED <slot> <host>:<port>}; an empty or {@code ?} host means the node that answered.
 * {@link RedisClusterClient} follows redirects itself; a plain {@link RedisClient} pointed at a
 * cluster node sees them.
 */
public abstract sealed class RedisRedirectException extends RedisServerException
        permits RedisMovedException, RedisAskException {
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final String endpoint;

    RedisRedirectException(String code, String serverMessage, String context, int slot, String endpoint) {
        super(code, serverMessage, context);
        this.slot = slot;
        this.endpoint = endpoint;
    }

    /** The hash slot the key belongs to. */
    public int slot() {
        return slot;
    }

    /** The node to ask, {@code host:port} as the server wrote it (the host may be empty or {@code ?}). */
    public String endpoint() {
        return endpoint;
    }

    /** The typed redirect, or a plain {@link RedisServerException} when the text is not {@code CODE slot host:port}. */
    static RedisServerException parse(String code, String serverMessage, String context) {
        String[] parts = serverMessage.split(" ");
        if (parts.length < 3 || parts[2].lastIndexOf(':') < 0) {
            return new RedisServerException(code, serverMessage, context);
        }
        int slot;
        try {
            slot = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return new RedisServerException(code, serverMessage, context);
        }
        return code.equals("MOVED")
                ? new RedisMovedException(serverMessage, context, slot, parts[2])
                : new RedisAskException(serverMessage, context, slot, parts[2]);
    }
}
