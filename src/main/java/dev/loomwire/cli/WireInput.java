package dev.loomwire.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Our own unsynchronized buffered reader over a socket stream, for PostgreSQL messages and RESP replies. */
final class WireInput {
    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;

    WireInput(InputStream in) {
        this.in = in;
    }

    /**
     * Waits (within the socket's read timeout) until at least one byte is buffered, without
     * consuming it; false at the end of the stream. A read timeout leaves the buffer as it was.
     */
    boolean awaitData() throws IOException {
        return pos < limit || fill();
    }

    /** The next byte, or -1 at the end of the stream. */
    int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    int readByte() throws IOException {
        int b = read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    int readInt() throws IOException {
        return (readByte() << 24) | (readByte() << 16) | (readByte() << 8) | readByte();
    }

    byte[] readExact(int n) throws IOException {
        if (n < 0 || n > 16 * 1024 * 1024) {
            throw new IOException("implausible length " + n + " in the server's reply");
        }
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            if (pos == limit && !fill()) {
                throw new EOFException("the server closed the connection");
            }
            int take = Math.min(n - off, limit - pos);
            System.arraycopy(buf, pos, out, off, take);
            pos += take;
            off += take;
        }
        return out;
    }

    /** A line ending in CRLF (or LF), without the terminator. */
    String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = readByte();
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("reply line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b);
        }
    }

    static String utf8(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
