package dev.loomwire.redis.resp;

import java.util.Arrays;

/**
 * Encodes commands as RESP arrays of bulk strings into one reusable byte buffer, so that a
 * request (or a whole pipeline) goes to the socket in one write. No I/O here: the caller writes
 * {@code buffer()[0, size())} and then calls {@link #reset()}.
 */
public final class RespEncoder {
    private static final int INITIAL = 512;
    private static final int SHRINK_ABOVE = 1024 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int size;

    /** Appends one command whose arguments are raw bytes. */
    public RespEncoder command(byte[]... args) {
        arrayHeader(args.length);
        for (byte[] a : args) {
            bulk(a);
        }
        return this;
    }

    /** Appends one command whose arguments are UTF-8 text. */
    public RespEncoder command(String... args) {
        arrayHeader(args.length);
        for (String a : args) {
            bulk(a);
        }
        return this;
    }

    /** Appends a command from mixed arguments: {@code byte[]}, {@link CharSequence} or {@link Number}. */
    public RespEncoder commandOf(Object... args) {
        arrayHeader(args.length);
        for (Object a : args) {
            switch (a) {
                case byte[] b -> bulk(b);
                case Long l -> bulk(l);
                case Integer i -> bulk(i.longValue());
                case Number n -> bulk(n.toString());
                case CharSequence s -> bulk(s.toString());
                case null -> throw new IllegalArgumentException("command argument must not be null");
                default -> throw new IllegalArgumentException("unsupported command argument type "
                        + a.getClass().getName());
            }
        }
        return this;
    }

    /** Appends {@code *n\r\n}. */
    public RespEncoder arrayHeader(int n) {
        ensure(24);
        buf[size++] = '*';
        writeDecimal(n);
        crlf();
        return this;
    }

    /** Appends {@code $len\r\n<bytes>\r\n}. */
    public RespEncoder bulk(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("command argument must not be null");
        }
        ensure(value.length + 24);
        buf[size++] = '$';
        writeDecimal(value.length);
        crlf();
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        crlf();
        return this;
    }

    /** Appends a bulk string holding the UTF-8 encoding of {@code value}, without a temporary array. */
    public RespEncoder bulk(String value) {
        if (value == null) {
            throw new IllegalArgumentException("command argument must not be null");
        }
        int len = utf8Length(value);
        ensure(len + 24);
        buf[size++] = '$';
        writeDecimal(len);
        crlf();
        writeUtf8(value);
        crlf();
        return this;
    }

    /** Appends a bulk string holding the decimal digits of {@code value}. */
    public RespEncoder bulk(long value) {
        return bulk(Long.toString(value));
    }

    /** The encoded bytes; valid up to {@link #size()}. */
    public byte[] buffer() {
        return buf;
    }

    public int size() {
        return size;
    }

    /** Empties the buffer for the next request (and drops a buffer grown large by one big request). */
    public void reset() {
        size = 0;
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[INITIAL];
        }
    }

    private void crlf() {
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    private void writeDecimal(long v) {
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        int start = size;
        do {
            buf[size++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v > 0);
        for (int i = start, j = size - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void ensure(int extra) {
        long need = (long) size + extra;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("request larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 8)));
        }
    }

    static int utf8Length(String s) {
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len++;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                len++; // unpaired surrogate: encoded as '?', like String.getBytes
            } else {
                len += 3;
            }
        }
        return len;
    }

    private void writeUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[size++] = (byte) c;
            } else if (c < 0x800) {
                buf[size++] = (byte) (0xc0 | (c >> 6));
                buf[size++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[size++] = (byte) (0xf0 | (cp >> 18));
                buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[size++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                buf[size++] = '?';
            } else {
                buf[size++] = (byte) (0xe0 | (c >> 12));
                buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[size++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }
}
