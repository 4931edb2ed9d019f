package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;

/**
 * The server answered a command with an error reply ({@code ERR}, {@code WRONGTYPE},
 * {@code NOAUTH}, {@code MOVED}, {@code ASK}, ...). The connection stays usable. Category
 * {@link ErrorCategory#SERVER}. {@link #of(String, String, String)} is the one place where error
 * codes map to the typed subclasses ({@link RedisNoAuthException}, {@link RedisWrongPassException},
 * {@link RedisNoScriptException}, {@link RedisBusyException}, {@link RedisReadOnlyException},
 * {@link RedisMovedException}, {@link RedisAskException}).
 */
public class RedisServerException extends RedisException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String serverMessage;

    public RedisServerException(String code, String serverMessage) {
        this(code, serverMessage, null);
    }

    /** With {@code context} (e.g. "authentication failed") put in front of the server's text. */
    public RedisServerException(String code, String serverMessage, String context) {
        super(ErrorCategory.SERVER, context == null ? serverMessage : context + ": " + serverMessage, null);
        this.code = code;
        this.serverMessage = serverMessage;
    }

    /** The exception for an error reply, typed by its code. */
    public static RedisServerException of(String code, String serverMessage) {
        return of(code, serverMessage, null);
    }

    /** The exception for an error reply, typed by its code, with {@code context} in front of the message. */
    public static RedisServerException of(String code, String serverMessage, String context) {
        return switch (code) {
            case "NOAUTH" -> new RedisNoAuthException(serverMessage, context);
            case "WRONGPASS" -> new RedisWrongPassException(serverMessage, context);
            case "NOSCRIPT" -> new RedisNoScriptException(serverMessage, context);
            case "BUSY" -> new RedisBusyException(serverMessage, context);
            case "READONLY" -> new RedisReadOnlyException(serverMessage, context);
            case "MOVED", "ASK" -> RedisRedirectException.parse(code, serverMessage, context);
            default -> new RedisServerException(code, serverMessage, context);
        };
    }

    /** The error code: the first word of the server's message, e.g. {@code WRONGTYPE}. */
    public String code() {
        return code;
    }

    /** The server's whole error text, code included. */
    public String serverMessage() {
        return serverMessage;
    }
}
