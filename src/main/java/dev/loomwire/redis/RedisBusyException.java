package dev.loomwire.redis;

/** {@code BUSY}: a script or function is running and blocks the server; wait, or end it with {@code SCRIPT KILL} / {@code FUNCTION KILL}. */
public class RedisBusyException extends RedisServerException {
    private static final long serialVersionUID = 1L;

    RedisBusyException(String serverMessage, String context) {
        super("BUSY", serverMessage, context);
    }
}
