package dev.loomwire.redis;

/** {@code NOSCRIPT}: no script with that SHA1 is cached on the server; send it again with {@code EVAL} or {@code SCRIPT LOAD}. */
public class RedisNoScriptException extends RedisServerException {
    private static final long serialVersionUID = 1L;

    RedisNoScriptException(String serverMessage, String context) {
        super("NOSCRIPT", serverMessage, context);
    }
}
