package dev.loomwire.redis;

/** {@code WRONGPASS}: the user name or password was refused (or the ACL user is disabled). */
public class RedisWrongPassException extends RedisServerException {
    private static final long serialVersionUID = 1L;

    RedisWrongPassException(String serverMessage, String context) {
        super("WRONGPASS", serverMessage, context);
    }
}
