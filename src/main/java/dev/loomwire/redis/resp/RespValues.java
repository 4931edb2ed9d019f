package dev.loomwire.redis.resp;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Builds the values a {@link RespDecoder} returns, one method per RESP2/RESP3 type: the driver
 * passes its reply records here, so the codec does not depend on the driver's types.
 *
 * @param <T> the reply type built
 */
public interface RespValues<T> {
    /** {@code +text}. */
    T simpleString(String value);

    /** {@code -CODE message} or a RESP3 blob error; {@code code} is the first word. */
    T error(String code, String message, boolean blob);

    /** {@code :n}. */
    T integer(long value);

    /** {@code $n} bulk string (never null). */
    T bulk(byte[] bytes);

    /** RESP3 {@code _}, RESP2 {@code $-1} / {@code *-1}. */
    T nil();

    /** RESP3 {@code ,d}. */
    T doubleValue(double value);

    /** RESP3 {@code #t} / {@code #f}. */
    T bool(boolean value);

    /** RESP3 {@code (n}. */
    T bigNumber(BigInteger value);

    /** RESP3 {@code =} verbatim string with its 3-letter format. */
    T verbatim(String format, String text);

    /** {@code *n}. */
    T array(List<T> elements);

    /** RESP3 {@code ~n}. */
    T set(List<T> elements);

    /** RESP3 {@code >n}. */
    T push(List<T> elements);

    /** RESP3 {@code %n}, in the server's order. */
    T map(Map<T, T> entries);

    /** A value preceded by RESP3 attributes, when they are attached. */
    T attributed(Map<T, T> attributes, T value);
}
