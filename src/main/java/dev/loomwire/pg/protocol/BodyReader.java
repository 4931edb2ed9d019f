package dev.loomwire.pg.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bounds-checked reader over one message body; every overrun is a {@link ProtocolException}. */
final class BodyReader {
    private final byte[] data;
    private final int limit;
    private final String message;
    private int pos;

    BodyReader(byte[] data, String message) {
        this(data, data.length, message);
    }

    /** Reads {@code data[0, limit)}: the buffer may be a reused one larger than the body. */
    BodyReader(byte[] data, int limit, String message) {
        this.data = data;
        this.limit = limit;
        this.message = message;
    }

    int remaining() {
        return limit - pos;
    }

    private void need(int n, String what) {
        if (n < 0 || n > remaining()) {
            throw new ProtocolException(message + ": truncated " + what + " (needs " + n
                    + " bytes, " + remaining() + " left)");
        }
    }

    int readByte() {
        need(1, "byte");
        return data[pos++] & 0xFF;
    }

    int readInt16() {
        need(2, "int16");
        int v = (short) (((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF));
        pos += 2;
        return v;
    }

    int readUInt16() {
        return readInt16() & 0xFFFF;
    }

    int readInt32() {
        need(4, "int32");
        int v = ((data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16)
                | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    byte[] readBytes(int n) {
        need(n, "field");
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    /** Offset of the next byte to read. */
    int position() {
        return pos;
    }

    /** Skips a field of {@code n} bytes, checking that it is there. */
    void skip(int n) {
        need(n, "field");
        pos += n;
    }

    byte[] readRest() {
        return readBytes(remaining());
    }

    String readCString() {
        for (int i = pos; i < limit; i++) {
            if (data[i] == 0) {
                String s = new String(data, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 1;
                return s;
            }
        }
        throw new ProtocolException(message + ": string is not NUL-terminated");
    }

    /** A count field that announces {@code count} items of at least {@code minItemSize} bytes each. */
    int readCount16(int minItemSize, String what) {
        int n = readUInt16();
        if ((long) n * minItemSize > remaining()) {
            throw new ProtocolException(message + ": " + what + " count " + n + " does not fit in "
                    + remaining() + " remaining bytes");
        }
        return n;
    }

    void expectEnd() {
        if (remaining() != 0) {
            throw new ProtocolException(message + ": " + remaining() + " unexpected trailing bytes");
        }
    }
}
