package dev.loomwire.redis.resp;

/** The bytes received are not valid RESP, or exceed a configured limit. Decoding cannot go on. */
public final class RespProtocolException extends RuntimeException {
    public RespProtocolException(String message) {
        super(message);
    }
}
