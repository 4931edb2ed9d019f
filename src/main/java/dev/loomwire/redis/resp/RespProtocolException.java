package dev.loomwire.redis.resp;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;

/**
 * The bytes received are not valid RESP, or exceed a configured limit. Decoding cannot go on:
 * category {@link ErrorCategory#BROKEN}.
 */
public final class RespProtocolException extends LoomwireException {
    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(ErrorCategory.BROKEN, message, null);
    }

    @Override
    public Driver driver() {
        return Driver.REDIS;
    }
}
