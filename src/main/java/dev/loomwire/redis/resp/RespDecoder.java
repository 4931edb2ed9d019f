package dev.loomwire.redis.resp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Incremental RESP2/RESP3 reply decoder without I/O, building replies of type {@code T} through a
 * {@link RespValues} (the driver supplies its reply records, so this codec depends on nothing). Feed it whatever bytes have arrived with
 * {@link #decode(byte[], int, int)}: it returns a complete reply, or null when it needs more
 * bytes. Bytes it has used are reported by {@link #position()} and may be discarded by the
 * caller; a partially received bulk string or aggregate is kept inside the decoder, so no byte is
 * parsed twice (except an incomplete header line, which the caller keeps).
 *
 * <p>Hostile input is bounded: declared lengths above the limits, unknown type bytes and bad
 * numbers throw {@link RespProtocolException}; memory is only allocated for bytes that arrived
 * (plus a small constant), never from a declared length alone. After an exception the decoder is
 * unusable until {@link #reset()}.
 */
public final class RespDecoder<T> {
    /** Largest bulk string accepted by default: 512 MiB, the server's own proto-max-bulk-len. */
    public static final long DEFAULT_MAX_BULK_LENGTH = 512L * 1024 * 1024;
    /** Largest element count of one array/set/push/map accepted by default. */
    public static final long DEFAULT_MAX_AGGREGATE_LENGTH = 1L << 28;
    /** Longest header or simple-string line accepted by default. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;
    /** Deepest nesting of aggregates accepted. */
    public static final int MAX_DEPTH = 512;

    private static final int MAX_BIG_NUMBER_DIGITS = 10_000;
    private static final int BULK_CHUNK = 16 * 1024;

    /** What to do with RESP3 attributes ({@code |N}). */
    public enum Attributes {
        /** Drop them: the reply they precede is returned alone. */
        SKIP,
        /** Wrap the reply they precede with {@link RespValues#attributed}. */
        ATTACH
    }

    private final RespValues<T> values;
    private final long maxBulkLength;
    private final long maxAggregateLength;
    private final int maxLineLength;
    private final Attributes attributes;

    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private Map<T, T> rootAttributes;
    private T result;
    private int pos;
    private int scanned; // bytes after pos already searched for CR without finding one

    // bulk string in progress (type '$', '=' or '!'), or bulkType == 0
    private byte bulkType;
    private long bulkLength;
    private byte[] bulk;
    private int bulkFill;

    /** A decoder with the default limits, dropping attributes, building values with {@code values}. */
    public RespDecoder(RespValues<T> values) {
        this(values, DEFAULT_MAX_BULK_LENGTH, DEFAULT_MAX_AGGREGATE_LENGTH, DEFAULT_MAX_LINE_LENGTH, Attributes.SKIP);
    }

    public RespDecoder(RespValues<T> values, long maxBulkLength, long maxAggregateLength, int maxLineLength, Attributes attributes) {
        this.values = values;
        if (maxBulkLength < 0 || maxBulkLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBulkLength must be between 0 and " + (Integer.MAX_VALUE - 8));
        }
        this.maxBulkLength = maxBulkLength;
        this.maxAggregateLength = maxAggregateLength;
        this.maxLineLength = maxLineLength;
        this.attributes = attributes;
    }

    /**
     * Decodes from {@code buf[start, end)}. Returns the next complete reply or null if more bytes
     * are needed; either way {@link #position()} is where the caller continues next time.
     */
    public T decode(byte[] buf, int start, int end) {
        pos = start;
        while (true) {
            if (bulkType != 0 && !continueBulk(buf, end)) {
                return null;
            }
            if (result != null) {
                T r = result;
                result = null;
                return r;
            }
            if (!readLine(buf, end)) {
                return null;
            }
            if (result != null) {
                T r = result;
                result = null;
                return r;
            }
        }
    }

    /** Index in the last buffer passed to {@link #decode} up to which bytes were used. */
    public int position() {
        return pos;
    }

    /** True when no reply is partially decoded (used to tell "closed between replies" from "truncated"). */
    public boolean isIdle() {
        return stack.isEmpty() && bulkType == 0 && rootAttributes == null && scanned == 0;
    }

    /** Forgets any partially decoded reply. */
    public void reset() {
        stack.clear();
        rootAttributes = null;
        result = null;
        scanned = 0;
        bulkType = 0;
        bulk = null;
    }

    private boolean readLine(byte[] buf, int end) {
        int from = pos + scanned;
        int cr = -1;
        for (int i = from; i < end; i++) {
            if (buf[i] == '\r') {
                cr = i;
                break;
            }
        }
        if (cr < 0 || cr + 1 >= end) {
            scanned = (cr < 0 ? end : cr) - pos;
            if (scanned > maxLineLength) {
                throw new RespProtocolException("reply line longer than " + maxLineLength + " bytes without CRLF");
            }
            return false;
        }
        if (buf[cr + 1] != '\n') {
            throw new RespProtocolException("expected CRLF after a reply line, got CR followed by " + describe(buf[cr + 1]));
        }
        if (cr - pos > maxLineLength) {
            throw new RespProtocolException("reply line longer than " + maxLineLength + " bytes");
        }
        scanned = 0;
        byte type = buf[pos];
        int s = pos + 1;
        int n = cr - s;
        pos = cr + 2;
        if (cr == s - 1) {
            throw new RespProtocolException("empty reply line: expected a RESP type byte");
        }
        switch (type) {
            case '+' -> complete(values.simpleString(text(buf, s, n)));
            case '-' -> complete(error(text(buf, s, n), false));
            case ':' -> complete(values.integer(parseLong(buf, s, n, "integer")));
            case '_' -> {
                if (n != 0) {
                    throw new RespProtocolException("RESP3 null must be empty, got \"" + text(buf, s, n) + '"');
                }
                complete(values.nil());
            }
            case ',' -> complete(values.doubleValue(parseDouble(text(buf, s, n))));
            case '#' -> {
                if (n == 1 && (buf[s] == 't' || buf[s] == 'f')) {
                    complete(values.bool(buf[s] == 't'));
                } else {
                    throw new RespProtocolException("RESP3 boolean must be #t or #f, got #" + text(buf, s, n));
                }
            }
            case '(' -> complete(values.bigNumber(parseBigNumber(text(buf, s, n))));
            case '$', '=', '!' -> startBulk(type, buf, s, n);
            case '*', '~', '>' -> startAggregate(type, buf, s, n, 1);
            case '%', '|' -> startAggregate(type, buf, s, n, 2);
            default -> throw new RespProtocolException("unexpected RESP type byte " + describe(type)
                    + " at the start of a reply");
        }
        return true;
    }

    private void startBulk(byte type, byte[] buf, int s, int n) {
        if (n == 1 && buf[s] == '?') {
            throw new RespProtocolException("streamed RESP3 strings ($?) are not supported");
        }
        long len = parseLong(buf, s, n, "bulk length");
        if (len == -1 && type == '$') {
            complete(values.nil());
            return;
        }
        if (len < 0) {
            throw new RespProtocolException("negative length " + len + " for " + typeName(type));
        }
        if (len > maxBulkLength) {
            throw new RespProtocolException(typeName(type) + " length " + len + " exceeds the limit of "
                    + maxBulkLength + " bytes");
        }
        bulkType = type;
        bulkLength = len;
        bulk = null;
        bulkFill = 0;
    }

    private boolean continueBulk(byte[] buf, int end) {
        int len = (int) bulkLength;
        if (bulk == null) {
            int available = end - pos;
            bulk = new byte[available >= len ? len : Math.min(len, Math.max(available, BULK_CHUNK))];
        }
        int want = len - bulkFill;
        int take = Math.min(want, end - pos);
        if (take > 0) {
            if (bulkFill + take > bulk.length) {
                long grown = Math.max((long) bulk.length * 2, (long) bulkFill + take);
                bulk = java.util.Arrays.copyOf(bulk, (int) Math.min(grown, len));
            }
            System.arraycopy(buf, pos, bulk, bulkFill, take);
            bulkFill += take;
            pos += take;
        }
        if (bulkFill < len || end - pos < 2) {
            return false;
        }
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new RespProtocolException(typeName(bulkType) + " of declared length " + len
                    + " is not followed by CRLF (got " + describe(buf[pos]) + ")");
        }
        pos += 2;
        byte type = bulkType;
        byte[] content = bulk;
        bulkType = 0;
        bulk = null;
        switch (type) {
            case '$' -> complete(values.bulk(content));
            case '!' -> complete(error(new String(content, StandardCharsets.UTF_8), true));
            default -> {
                if (content.length < 4 || content[3] != ':') {
                    throw new RespProtocolException("verbatim string must start with a 3-letter format and ':'");
                }
                complete(values.verbatim(new String(content, 0, 3, StandardCharsets.US_ASCII),
                        new String(content, 4, content.length - 4, StandardCharsets.UTF_8)));
            }
        }
        return true;
    }

    private void startAggregate(byte type, byte[] buf, int s, int n, int perEntry) {
        if (n == 1 && buf[s] == '?') {
            throw new RespProtocolException("streamed RESP3 aggregates (" + (char) type + "?) are not supported");
        }
        long count = parseLong(buf, s, n, typeName(type) + " length");
        if (count == -1 && type == '*') {
            complete(values.nil());
            return;
        }
        if (count < 0) {
            throw new RespProtocolException("negative length " + count + " for " + typeName(type));
        }
        if (count > maxAggregateLength) {
            throw new RespProtocolException(typeName(type) + " of " + count + " elements exceeds the limit of "
                    + maxAggregateLength);
        }
        if (stack.size() >= MAX_DEPTH) {
            throw new RespProtocolException("replies nested deeper than " + MAX_DEPTH + " levels");
        }
        Frame f = new Frame(type, count * perEntry);
        if (f.remaining == 0) {
            finishFrame(f);
        } else {
            stack.push(f);
        }
    }

    private void finishFrame(Frame f) {
        if (f.type == '|') {
            Map<T, T> attrs = f.toMap();
            if (stack.isEmpty()) {
                rootAttributes = attrs;
            } else {
                stack.peek().pendingAttributes = attrs;
            }
            return;
        }
        complete(f.build());
    }

    private void complete(T value) {
        Frame parent = stack.peek();
        Map<T, T> attrs;
        if (parent == null) {
            attrs = rootAttributes;
            rootAttributes = null;
        } else {
            attrs = parent.pendingAttributes;
            parent.pendingAttributes = null;
        }
        if (attrs != null && attributes == Attributes.ATTACH) {
            value = values.attributed(attrs, value);
        }
        if (parent == null) {
            result = value;
            return;
        }
        parent.items.add(value);
        if (--parent.remaining == 0) {
            stack.pop();
            finishFrame(parent);
        }
    }

    private T error(String message, boolean blob) {
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        return values.error(code, message, blob);
    }

    private static String text(byte[] buf, int s, int n) {
        return new String(buf, s, n, StandardCharsets.UTF_8);
    }

    private static long parseLong(byte[] buf, int s, int n, String what) {
        int i = s;
        int end = s + n;
        boolean negative = false;
        if (i < end && (buf[i] == '-' || buf[i] == '+')) {
            negative = buf[i] == '-';
            i++;
        }
        if (i == end || end - i > 19) {
            throw new RespProtocolException("bad " + what + ": \"" + printable(buf, s, n) + '"');
        }
        long v = 0;
        for (; i < end; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw new RespProtocolException("bad " + what + ": \"" + printable(buf, s, n) + '"');
            }
            v = v * 10 + d;
            if (v < 0) {
                // overflow; Long.MIN_VALUE's magnitude is the only value that wraps legitimately
                if (negative && v == Long.MIN_VALUE && i == end - 1) {
                    return v;
                }
                throw new RespProtocolException("bad " + what + " (out of range): \"" + printable(buf, s, n) + '"');
            }
        }
        return negative ? -v : v;
    }

    private static double parseDouble(String s) {
        switch (s) {
            case "inf", "+inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            case "nan", "-nan" -> { return Double.NaN; }
            default -> { }
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if ("+-.eE".indexOf(c) < 0) {
                digit = false;
                break;
            }
        }
        try {
            if (digit) {
                return Double.parseDouble(s);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new RespProtocolException("bad RESP3 double: \"" + s + '"');
    }

    private static BigInteger parseBigNumber(String s) {
        if (s.length() > MAX_BIG_NUMBER_DIGITS) {
            throw new RespProtocolException("RESP3 big number longer than " + MAX_BIG_NUMBER_DIGITS + " digits");
        }
        try {
            return new BigInteger(s);
        } catch (NumberFormatException e) {
            throw new RespProtocolException("bad RESP3 big number: \"" + s + '"');
        }
    }

    private static String typeName(byte type) {
        return switch (type) {
            case '$' -> "bulk string";
            case '=' -> "verbatim string";
            case '!' -> "blob error";
            case '*' -> "array";
            case '~' -> "set";
            case '>' -> "push";
            case '%' -> "map";
            case '|' -> "attribute";
            default -> "reply";
        };
    }

    static String describe(byte b) {
        int v = b & 0xff;
        return v >= 0x20 && v < 0x7f ? String.format("0x%02x ('%c')", v, (char) v) : String.format("0x%02x", v);
    }

    private static String printable(byte[] buf, int s, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = s; i < s + Math.min(n, 40); i++) {
            int v = buf[i] & 0xff;
            sb.append(v >= 0x20 && v < 0x7f ? String.valueOf((char) v) : String.format("\\x%02x", v));
        }
        return n > 40 ? sb + "..." : sb.toString();
    }

    private final class Frame {
        final byte type;
        long remaining;
        final List<T> items;
        Map<T, T> pendingAttributes;

        Frame(byte type, long remaining) {
            this.type = type;
            this.remaining = remaining;
            this.items = new ArrayList<>((int) Math.min(remaining, 16));
        }

        T build() {
            return switch (type) {
                case '*' -> values.array(items);
                case '~' -> values.set(items);
                case '>' -> values.push(items);
                default -> values.map(toMap());
            };
        }

        Map<T, T> toMap() {
            Map<T, T> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                map.put(items.get(i), items.get(i + 1));
            }
            return map;
        }
    }
}
