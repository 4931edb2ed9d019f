package dev.loomwire.pg;

/**
 * Connecting failed, or an established connection broke: network, TLS, authentication protocol
 * or a malformed message from the server. The message names the cause (e.g. "server does not
 * support SSL", a certificate host-name mismatch). A connection that threw this is closed.
 */
public class PgConnectionException extends PgException {
    public PgConnectionException(String message) {
        super(message);
    }

    public PgConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
