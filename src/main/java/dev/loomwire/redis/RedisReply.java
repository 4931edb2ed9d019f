package dev.loomwire.redis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reply from the server, typed after its RESP2/RESP3 type. The {@code as...} accessors
 * convert where Redis itself treats types alike (a bulk string holding digits is a number) and
 * throw {@link RedisException} naming the actual type otherwise; an error reply met by an
 * accessor is thrown as {@link RedisServerException}.
 */
public sealed interface RedisReply {

    /** A short name of the RESP type, used in messages. */
    String typeName();

    /** True for the RESP3 null and the RESP2 null bulk string / null array. */
    default boolean isNull() {
        return false;
    }

    /** The reply as text (UTF-8 for bulk strings); null for a null reply. */
    default String asString() {
        throw mismatch("a string");
    }

    /** The reply's bytes (UTF-8 of text replies); null for a null reply. */
    default byte[] asBytes() {
        String s = asString();
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The reply as a 64-bit integer. */
    default long asLong() {
        throw mismatch("an integer");
    }

    /** The reply as a double. */
    default double asDouble() {
        throw mismatch("a double");
    }

    /** The reply as a boolean (RESP3 boolean, or integer 0/1 as RESP2 sends them). */
    default boolean asBoolean() {
        throw mismatch("a boolean");
    }

    /** The elements of an array, set or push reply; null for a null reply. */
    default List<RedisReply> asList() {
        throw mismatch("an array");
    }

    /**
     * The reply as a map: a RESP3 map, or a RESP2 flat array of key/value pairs. Keys are
     * converted with {@link #asString()}.
     */
    default Map<String, RedisReply> asMap() {
        List<RedisReply> flat = asList();
        if (flat == null) {
            return null;
        }
        if (flat.size() % 2 != 0) {
            throw new RedisException("expected key/value pairs, got an array of " + flat.size() + " elements");
        }
        Map<String, RedisReply> map = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            map.put(flat.get(i).asString(), flat.get(i + 1));
        }
        return map;
    }

    /** Throws {@link RedisServerException} if this is an error reply, returns this otherwise. */
    default RedisReply throwIfError() {
        return this;
    }

    private RedisException mismatch(String expected) {
        if (this instanceof ErrorReply e) {
            throw e.toException();
        }
        return new RedisException("expected " + expected + " reply, got " + typeName() + ": " + this);
    }

    /** {@code +OK}: a simple (status) string. */
    record SimpleString(String value) implements RedisReply {
        public String typeName() { return "simple string"; }
        public String asString() { return value; }
        public long asLong() { return parseLong(value, this); }
        public double asDouble() { return parseDouble(value, this); }
        public String toString() { return value; }
    }

    /** {@code -ERR ...} or RESP3 blob error {@code !}: an error reply, not thrown until asked. */
    record ErrorReply(String code, String message, boolean blob) implements RedisReply {
        public String typeName() { return "error"; }
        public RedisReply throwIfError() { throw toException(); }
        public RedisServerException toException() { return RedisServerException.of(code, message); }
        public String toString() { return message; }
    }

    /** {@code :42}: an integer. */
    record IntegerReply(long value) implements RedisReply {
        public String typeName() { return "integer"; }
        public long asLong() { return value; }
        public double asDouble() { return value; }
        public String asString() { return Long.toString(value); }
        public boolean asBoolean() {
            if (value == 0 || value == 1) {
                return value == 1;
            }
            return RedisReply.super.asBoolean();
        }
        public String toString() { return Long.toString(value); }
    }

    /** {@code $5\r\nhello}: a binary-safe bulk string; never null (see {@link NullReply}). */
    record BulkString(byte[] bytes) implements RedisReply {
        public String typeName() { return "bulk string"; }
        public String asString() { return new String(bytes, StandardCharsets.UTF_8); }
        public byte[] asBytes() { return bytes; }
        public long asLong() { return parseLong(asString(), this); }
        public double asDouble() { return parseDouble(asString(), this); }
        public boolean equals(Object o) { return o instanceof BulkString b && Arrays.equals(bytes, b.bytes); }
        public int hashCode() { return Arrays.hashCode(bytes); }
        public String toString() { return '"' + asString() + '"'; }
    }

    /** RESP3 {@code _}, RESP2 {@code $-1} or {@code *-1}. */
    record NullReply() implements RedisReply {
        public static final NullReply INSTANCE = new NullReply();
        public String typeName() { return "null"; }
        public boolean isNull() { return true; }
        public String asString() { return null; }
        public byte[] asBytes() { return null; }
        public List<RedisReply> asList() { return null; }
        public Map<String, RedisReply> asMap() { return null; }
        public String toString() { return "(nil)"; }
    }

    /** {@code *N}: an array. */
    record ArrayReply(List<RedisReply> elements) implements RedisReply {
        public String typeName() { return "array"; }
        public List<RedisReply> asList() { return elements; }
        public String toString() { return elements.toString(); }
    }

    /** RESP3 {@code %N}: a map, in the server's order. */
    record MapReply(Map<RedisReply, RedisReply> entries) implements RedisReply {
        public String typeName() { return "map"; }
        public Map<String, RedisReply> asMap() {
            Map<String, RedisReply> map = new LinkedHashMap<>();
            entries.forEach((k, v) -> map.put(k.asString(), v));
            return map;
        }
        public List<RedisReply> asList() {
            List<RedisReply> flat = new java.util.ArrayList<>(entries.size() * 2);
            entries.forEach((k, v) -> { flat.add(k); flat.add(v); });
            return flat;
        }
        public String toString() { return entries.toString(); }
    }

    /** RESP3 {@code ~N}: a set, in the server's order. */
    record SetReply(List<RedisReply> elements) implements RedisReply {
        public String typeName() { return "set"; }
        public List<RedisReply> asList() { return elements; }
        public String toString() { return elements.toString(); }
    }

    /** RESP3 {@code ,1.5} (also {@code inf}, {@code -inf}, {@code nan}). */
    record DoubleReply(double value) implements RedisReply {
        public String typeName() { return "double"; }
        public double asDouble() { return value; }
        public String asString() { return Double.toString(value); }
        public String toString() { return Double.toString(value); }
    }

    /** RESP3 {@code #t} / {@code #f}. */
    record BooleanReply(boolean value) implements RedisReply {
        public String typeName() { return "boolean"; }
        public boolean asBoolean() { return value; }
        public long asLong() { return value ? 1 : 0; }
        public String toString() { return Boolean.toString(value); }
    }

    /** RESP3 {@code (12345678901234567890}: an integer beyond 64 bits. */
    record BigNumberReply(BigInteger value) implements RedisReply {
        public String typeName() { return "big number"; }
        public String asString() { return value.toString(); }
        public long asLong() { return value.longValueExact(); }
        public String toString() { return value.toString(); }
    }

    /** RESP3 {@code =15\r\ntxt:Some string}: text with a three-letter format ({@code txt}, {@code mkd}). */
    record VerbatimString(String format, String text) implements RedisReply {
        public String typeName() { return "verbatim string"; }
        public String asString() { return text; }
        public String toString() { return text; }
    }

    /** RESP3 {@code >N}: an out-of-band push (pub/sub message, invalidation, ...). */
    record PushReply(List<RedisReply> elements) implements RedisReply {
        public String typeName() { return "push"; }
        public List<RedisReply> asList() { return elements; }
        /** The push kind, e.g. {@code message}, {@code subscribe}, {@code invalidate}. */
        public String kind() { return elements.isEmpty() ? "" : elements.get(0).asString(); }
        public String toString() { return ">" + elements; }
    }

    /** A reply preceded by RESP3 attributes ({@code |N}), when the decoder is told to keep them. */
    record AttributedReply(Map<RedisReply, RedisReply> attributes, RedisReply reply) implements RedisReply {
        public String typeName() { return reply.typeName(); }
        public boolean isNull() { return reply.isNull(); }
        public String asString() { return reply.asString(); }
        public byte[] asBytes() { return reply.asBytes(); }
        public long asLong() { return reply.asLong(); }
        public double asDouble() { return reply.asDouble(); }
        public boolean asBoolean() { return reply.asBoolean(); }
        public List<RedisReply> asList() { return reply.asList(); }
        public Map<String, RedisReply> asMap() { return reply.asMap(); }
        public RedisReply throwIfError() { reply.throwIfError(); return this; }
        public String toString() { return "|" + attributes + " " + reply; }
    }

    private static long parseLong(String s, RedisReply r) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new RedisException("expected an integer reply, got " + r.typeName() + ": " + r);
        }
    }

    private static double parseDouble(String s, RedisReply r) {
        switch (s) {
            case "inf", "+inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            case "nan" -> { return Double.NaN; }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new RedisException("expected a number reply, got " + r.typeName() + ": " + r);
                }
            }
        }
    }
}
