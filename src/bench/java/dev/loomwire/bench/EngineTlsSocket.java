package dev.loomwire.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Prototype for issue 12 item 3 ("option C" in Java terms): TLS driven through an {@link SSLEngine}
 * whose records go through this connection's own reused heap buffers, with blocking reads and writes
 * on the virtual thread's plain {@link Socket}. Exposes an {@link InputStream} and an
 * {@link OutputStream} like an {@code SSLSocket} does, so a driver could read and write it the same way.
 *
 * <p>Covers what the measurement needs and sketches what adoption would need (only the handshake and
 * application data are exercised, by the benchmark; the rest was never put through the TLS tests,
 * because the measurement ruled the approach out first): the handshake (bounded by
 * {@code SO_TIMEOUT} per read), application data in both directions, TLS 1.3 post-handshake messages
 * (session tickets are consumed by the engine and land in the {@code SSLContext}'s client session
 * cache, so reconnects resume; a KeyUpdate that asks for ours is answered under both locks), the
 * server's fatal alerts (reported by the engine as {@link SSLException} "Received fatal alert: ...",
 * which {@code TlsAlert.receivedIn} names), and close_notify in both directions.
 *
 * <p>Locks: one for reading and one for writing, so a reader blocked in {@code read} never blocks a
 * writer. The engine has its own internal lock; wrap and unwrap may run at the same time. Only
 * when unwrap asks to wrap (a KeyUpdate response) does the reader take the write lock.
 *
 * <p>Measured against {@code SSLSocket} by {@link TlsSuite} ("TLS round trip" scenarios); kept
 * bench-only because it did not meet the bar for adoption (docs/tls-design.md, "SSLEngine over our
 * own buffers: measured").
 */
final class EngineTlsSocket implements AutoCloseable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket plain;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final SSLEngine engine;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Records read from the socket, not yet unwrapped: kept in read mode between calls. */
    private final ByteBuffer netIn;
    /** Decrypted application data not yet handed to the caller: kept in read mode between calls. */
    private final ByteBuffer appIn;
    /** Records to send; guarded by the write lock. */
    private final ByteBuffer netOut;
    /** The caller's array wrapped without allocation when it is the same array as last time. */
    private ByteBuffer writeSource = EMPTY;
    /** Reused argument arrays: the engine's one-buffer overloads allocate one per call. */
    private final ByteBuffer[] writeSources = new ByteBuffer[1];
    private final ByteBuffer[] readTargets = new ByteBuffer[1];
    private final In in = new In();
    private final Out out = new Out();
    private volatile boolean inboundDone;
    private volatile boolean closed;

    EngineTlsSocket(Socket plain, SSLEngine engine) throws IOException {
        this.plain = plain;
        this.rawIn = plain.getInputStream();
        this.rawOut = plain.getOutputStream();
        this.engine = engine;
        SSLSession s = engine.getSession();
        this.netIn = ByteBuffer.allocate(s.getPacketBufferSize()).flip();
        this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize()).flip();
        this.readTargets[0] = appIn;
        this.netOut = ByteBuffer.allocate(s.getPacketBufferSize());
    }

    /** Runs the handshake to completion (both locks held); each socket read is bounded by the socket's SO_TIMEOUT. */
    void startHandshake() throws IOException {
        readLock.lock();
        writeLock.lock();
        try {
            engine.beginHandshake();
            runHandshake(engine.getHandshakeStatus());
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    SSLSession session() {
        return engine.getSession();
    }

    String applicationProtocol() {
        return engine.getApplicationProtocol();
    }

    InputStream getInputStream() {
        return in;
    }

    OutputStream getOutputStream() {
        return out;
    }

    Socket plainSocket() {
        return plain;
    }

    /** Both locks must be held. */
    private void runHandshake(SSLEngineResult.HandshakeStatus status) throws IOException {
        while (true) {
            switch (status) {
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    flushNetOut();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the TLS session was closed during the handshake");
                    }
                    status = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = unwrapOnce();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EOFException("the server closed the TLS session during the handshake");
                    }
                    status = r.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /**
     * Unwraps at most one record from {@code netIn} into {@code appIn}, reading from the socket
     * when a whole record is not there yet. Read lock held. {@code appIn} is in read mode before and after.
     */
    private SSLEngineResult unwrapOnce() throws IOException {
        while (true) {
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, readTargets, 0, 1);
            } finally {
                appIn.flip();
            }
            switch (r.getStatus()) {
                case OK, CLOSED -> {
                    return r;
                }
                case BUFFER_UNDERFLOW -> fill();
                case BUFFER_OVERFLOW -> throw new SSLException("TLS record larger than the application buffer ("
                        + appIn.capacity() + " bytes) while " + appIn.remaining() + " bytes are unread");
            }
        }
    }

    /** Reads more bytes from the socket into {@code netIn} (read mode before and after), straight into its array. */
    private void fill() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                throw new SSLException("TLS record larger than the packet buffer (" + netIn.capacity() + " bytes)");
            }
            int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n < 0) {
                throw new EOFException("the server closed the connection without a TLS close_notify");
            }
            netIn.position(netIn.position() + n);
        } finally {
            netIn.flip();
        }
    }

    /** Writes {@code netOut} (write mode, filled by wrap) to the socket in one call. Write lock held. */
    private void flushNetOut() throws IOException {
        if (netOut.position() > 0) {
            rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.position());
            netOut.clear();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        readLock.lock();
        try {
            while (!appIn.hasRemaining()) {
                if (inboundDone) {
                    return -1;
                }
                SSLEngineResult r = unwrapOnce();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true;
                    answerCloseNotify();
                    continue;
                }
                SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && hs != SSLEngineResult.HandshakeStatus.FINISHED) {
                    // a post-handshake message that needs an answer (TLS 1.3 KeyUpdate requested): block writers meanwhile
                    writeLock.lock();
                    try {
                        runHandshake(hs);
                    } finally {
                        writeLock.unlock();
                    }
                }
            }
            int n = Math.min(len, appIn.remaining());
            appIn.get(b, off, n);
            return n;
        } finally {
            readLock.unlock();
        }
    }

    private void answerCloseNotify() {
        if (!writeLock.tryLock()) {
            return; // a writer is busy; its next wrap reports CLOSED and close() sends ours
        }
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            flushNetOut();
        } catch (IOException ignored) {
            // the peer is leaving anyway
        } finally {
            writeLock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        writeLock.lock();
        try {
            ByteBuffer src = writeSource.array() == b && writeSource.capacity() == b.length
                    ? writeSource.limit(off + len).position(off) : (writeSource = ByteBuffer.wrap(b, off, len));
            writeSources[0] = src;
            while (src.hasRemaining()) {
                netOut.clear();
                SSLEngineResult r = engine.wrap(writeSources, 0, 1, netOut);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SocketException("the TLS session is closed");
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    throw new SSLException("TLS record larger than the packet buffer (" + netOut.capacity() + " bytes)");
                }
                flushNetOut();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends close_notify (best effort, if no writer holds the lock) and closes the socket. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (writeLock.tryLock()) {
                try {
                    engine.closeOutbound();
                    netOut.clear();
                    engine.wrap(EMPTY, netOut);
                    flushNetOut();
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException ignored) {
            // closing: the socket goes either way
        } finally {
            plain.close();
        }
    }

    private final class In extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            return EngineTlsSocket.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return EngineTlsSocket.this.read(b, off, len);
        }

        @Override
        public int available() {
            return appIn.remaining();
        }

        @Override
        public void close() throws IOException {
            EngineTlsSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            EngineTlsSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            EngineTlsSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            EngineTlsSocket.this.close();
        }
    }
}
