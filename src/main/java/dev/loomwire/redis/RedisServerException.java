package dev.loomwire.redis;

/**
 * The server answered a command with an error reply ({@code ERR}, {@code WRONGTYPE},
 * {@code NOAUTH}, {@code MOVED}, {@code ASK}, ...). The connection stays usable.
 */
public class RedisServerException extends RedisException {
    private final String code;
    private final String serverMessage;

    public RedisServerException(String code, String serverMessage) {
        this(code, serverMessage, null);
    }

    /** With {@code context} (e.g. "authentication failed") put in front of the server's text. */
    public RedisServerException(String code, String serverMessage, String context) {
        super(context == null ? serverMessage : context + ": " + serverMessage);
        this.code = code;
        this.serverMessage = serverMessage;
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
