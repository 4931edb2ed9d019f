package dev.loomwire.pg;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.protocol.Backend;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;

/**
 * Framing over a socket: our own unsynchronized read buffer, whole requests written with one
 * call, and frame lengths checked before anything is allocated for them. Not thread-safe.
 */
final class PgStream {
    /** Largest message accepted (a DataRow holding a 1 GB bytea in hex is about this big). */
    static final int MAX_MESSAGE_LENGTH = Integer.MAX_VALUE - 64;
    /** Before authentication completes, no legitimate message comes anywhere near this. */
    static final int MAX_STARTUP_MESSAGE_LENGTH = 1 << 20;
    private static final int CHUNK = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[16 * 1024];
    /** Reused for the bodies of messages that are decoded into copies (all but DataRow). */
    private final byte[] scratch = new byte[8 * 1024];
    private int pos;
    private int limit;
    private int maxLength = MAX_STARTUP_MESSAGE_LENGTH;
    private byte lastType;
    private int lastLength;
    private boolean midMessage;
    private boolean startupWritten;

    /** The protocol trace: a listener for the whole life of the stream, enabled by its logger's level. */
    private final PgTrace trace = new PgTrace(this);
    /** Observes the messages of connection set-up (the trace, then the connect listener); dropped at {@link #startupComplete()}. */
    private ConnectListener<BackendMessage> listener;

    PgStream(Socket socket) throws IOException {
        this(socket, ConnectListener.none());
    }

    PgStream(Socket socket, ConnectListener<BackendMessage> listener) throws IOException {
        this.listener = ConnectListener.both(trace, listener);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    void startupComplete() {
        maxLength = MAX_MESSAGE_LENGTH;
        listener = null;
    }

    /** Who observes this stream's messages now: everyone while connecting, then the trace if it is on. */
    private ConnectListener<BackendMessage> observer() {
        return listener != null ? listener : PgTrace.enabled() ? trace : null;
    }

    void write(ByteSink sink) throws IOException {
        ConnectListener<BackendMessage> observer = observer();
        if (observer != null) {
            observer.sent(PgTrace.frontend(sink.array(), sink.size(), !startupWritten));
        }
        startupWritten = true;
        out.write(sink.array(), 0, sink.size());
        out.flush();
    }

    /** Type byte of the message last returned by {@link #read()}. */
    byte lastType() {
        return lastType;
    }

    /** True if the last read stopped (e.g. timed out) after part of a message: the stream is then unusable. */
    boolean midMessage() {
        return midMessage;
    }

    /** Length field of the message last returned by {@link #read()}. */
    int lastLength() {
        return lastLength;
    }

    String lastTypeName() {
        return Backend.name(lastType);
    }

    /** Reads and decodes the next backend message. */
    BackendMessage read() throws IOException {
        midMessage = false;
        byte type = (byte) readByte();
        midMessage = true;
        int length = readInt32();
        if (length < 4 || length > maxLength) {
            throw new ProtocolException(Backend.name(type) + ": invalid message length " + length);
        }
        int n = length - 4;
        byte[] body = type != 'D' && n <= scratch.length ? readInto(scratch, n) : readBody(n);
        lastType = type;
        lastLength = length;
        midMessage = false;
        BackendMessage m = Backend.decode(type, body, n);
        ConnectListener<BackendMessage> observer = observer();
        if (observer != null) {
            observer.received(m);
        }
        return m;
    }

    /** Grows the body as bytes arrive, so a lying length header cannot make us allocate gigabytes up front. */
    private byte[] readBody(int n) throws IOException {
        byte[] body = new byte[Math.min(n, CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(n, (long) body.length * 2));
            }
            if (pos < limit) {
                int k = Math.min(limit - pos, body.length - filled);
                System.arraycopy(buf, pos, body, filled, k);
                pos += k;
                filled += k;
            } else if (body.length - filled >= buf.length) {
                int k = in.read(body, filled, body.length - filled);
                if (k < 0) {
                    throw new EOFException("server closed the connection in the middle of a message");
                }
                filled += k;
            } else {
                int k = in.read(buf, 0, buf.length);
                if (k < 0) {
                    throw new EOFException("server closed the connection in the middle of a message");
                }
                pos = 0;
                limit = k;
            }
        }
        return body;
    }

    /** Fills {@code into[0, n)} from the stream; {@code n <= into.length}. */
    private byte[] readInto(byte[] into, int n) throws IOException {
        int filled = 0;
        while (filled < n) {
            if (pos >= limit) {
                fill("server closed the connection in the middle of a message");
            }
            int k = Math.min(limit - pos, n - filled);
            System.arraycopy(buf, pos, into, filled, k);
            pos += k;
            filled += k;
        }
        return into;
    }

    private int readByte() throws IOException {
        if (pos >= limit) {
            fill("server closed the connection unexpectedly");
        }
        return buf[pos++] & 0xFF;
    }

    /** Refills the read buffer from the socket; end of stream is an {@link EOFException} saying {@code atEnd}. */
    private void fill(String atEnd) throws IOException {
        int k = in.read(buf, 0, buf.length);
        if (k < 0) {
            throw new EOFException(atEnd);
        }
        pos = 0;
        limit = k;
    }

    private int readInt32() throws IOException {
        return (readByte() << 24) | (readByte() << 16) | (readByte() << 8) | readByte();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
