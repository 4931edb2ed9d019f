package dev.loomwire.pg.protocol;

/**
 * The peer sent bytes that do not form a valid PostgreSQL protocol message (bad length, truncated
 * field, unknown type). The connection that saw it cannot be trusted any more.
 */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
