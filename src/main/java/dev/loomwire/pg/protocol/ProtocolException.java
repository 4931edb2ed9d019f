package dev.loomwire.pg.protocol;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;

/**
 * The peer sent bytes that do not form a valid PostgreSQL protocol message (bad length, truncated
 * field, unknown type). The connection that saw it cannot be trusted any more: category
 * {@link ErrorCategory#BROKEN}.
 */
public final class ProtocolException extends LoomwireException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(ErrorCategory.BROKEN, message, null);
    }

    @Override
    public Driver driver() {
        return Driver.POSTGRESQL;
    }
}
