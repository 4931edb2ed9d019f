package dev.loomwire.pg.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable, unsynchronized byte buffer that frontend messages are encoded into, so that a
 * whole request can be written to the socket with one call.
 */
public final class ByteSink {
    private byte[] buf;
    private int size;

    public ByteSink() {
        this(256);
    }

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    /** The internal array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void clear() {
        size = 0;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need < 0) {
            throw new IllegalStateException("message too large");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    public ByteSink writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public ByteSink writeInt16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteSink writeInt32(int v) {
        ensure(4);
        putInt32(size, v);
        size += 4;
        return this;
    }

    public ByteSink writeInt64(long v) {
        writeInt32((int) (v >>> 32));
        return writeInt32((int) v);
    }

    public ByteSink writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public ByteSink writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Writes the UTF-8 bytes of {@code s} and a terminating zero byte; {@code s} must not contain NUL. */
    public ByteSink writeCString(String s) {
        int n = s.length();
        ensure(n + 1);
        int at = size;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c >= 0x80) {
                at = -1;
                break;
            }
            buf[at++] = (byte) c;
        }
        if (at >= 0) { // ASCII, the usual case for names and SQL: no intermediate byte[]
            buf[at] = 0;
            size = at + 1;
            return this;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) {
                throw new IllegalArgumentException("string contains a NUL character");
            }
        }
        writeBytes(b);
        return writeByte(0);
    }

    /** Overwrites four bytes at {@code pos} (used to patch message lengths). */
    public void putInt32(int pos, int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }
}
