package dev.loomwire.redis;

import dev.loomwire.error.TimeoutKind;
import dev.loomwire.net.ConnectListener;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsException;

import dev.loomwire.redis.resp.RespDecoder;
import dev.loomwire.redis.resp.RespEncoder;
import dev.loomwire.redis.resp.RespProtocolException;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The byte pipe under a {@link RedisConnection}: writes an encoded request with one socket write
 * and reads replies through its own unsynchronized buffer and an incremental {@link RespDecoder}.
 * Any transport or protocol failure closes the socket and surfaces as
 * {@link RedisConnectionException}; after that every call fails the same way.
 */
final class RespChannel {
    private static final int INITIAL_BUFFER = 4 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peer;
    private final RespDecoder<RedisReply> decoder;
    private final RespEncoder encoder = new RespEncoder();

    private byte[] buf = new byte[INITIAL_BUFFER];
    private int start;
    private int end;
    private int soTimeoutMillis = -1;
    private boolean everReadReply;
    private String brokenReason;
    private boolean closed;
    /** Extra words for the "server closed the connection" message, e.g. a TLS-port hint. */
    private String closeHint;
    private TlsConnection tls;
    /** The protocol trace: a listener for the whole life of the channel, enabled by its logger's level. */
    private final RespTrace trace;
    /** Observes the traffic of connection set-up (the trace, then the connect listener); dropped at {@link #setupComplete()}. */
    private ConnectListener<RedisReply> setup;

    RespChannel(Socket socket, String peer, long maxBulkLength) throws IOException {
        this.decoder = RedisReplies.decoder(maxBulkLength, RespDecoder.DEFAULT_MAX_AGGREGATE_LENGTH,
                RespDecoder.DEFAULT_MAX_LINE_LENGTH, RespDecoder.Attributes.SKIP);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peer = peer;
        this.trace = new RespTrace(peer);
    }

    /** Reports the requests and replies of connection set-up to {@code listener} too, until {@link #setupComplete()}. */
    void observeSetup(ConnectListener<RedisReply> listener) {
        setup = ConnectListener.both(trace, listener);
    }

    void setupComplete() {
        setup = null;
    }

    /** Who observes this channel's traffic now: everyone while connecting, then the trace if it is on. */
    private ConnectListener<RedisReply> observer() {
        return setup != null ? setup : RespTrace.enabled() ? trace : null;
    }

    /** The shared request buffer; {@link #flush()} sends what was encoded into it. */
    RespEncoder encoder() {
        return encoder;
    }

    void closeHint(String hint) {
        this.closeHint = hint;
    }

    /**
     * The TLS connection under this channel: a failure before the first reply asks it for the
     * server's TLS alert (TLS 1.3 delivers the verdict on the client certificate only then).
     */
    void tls(TlsConnection connection) {
        this.tls = connection;
    }

    /** Writes the encoder's bytes with one socket write and empties it. */
    void flush() {
        write(encoder);
        encoder.reset();
    }

    /** Writes another encoder's bytes (a pipeline's own buffer) with one socket write. */
    void write(RespEncoder request) {
        ensureOpen();
        ConnectListener<RedisReply> observer = observer();
        if (observer != null) {
            observer.sent(RespTrace.commands(request.buffer(), request.size()));
        }
        try {
            out.write(request.buffer(), 0, request.size());
            out.flush();
        } catch (IOException e) {
            throw fail("cannot send to " + peer + ": " + e.getMessage() + readFailureHint(e), e);
        }
    }

    /** Reads the next reply, waiting at most {@code timeout} (ZERO = forever); a timeout breaks the connection. */
    RedisReply read(Duration timeout) {
        return read(timeout, false);
    }

    /**
     * Reads the next reply; on timeout returns null when {@code timeoutIsNormal} (the decoder keeps
     * any partial reply, so nothing is lost), otherwise breaks the connection.
     */
    RedisReply read(Duration timeout, boolean timeoutIsNormal) {
        ensureOpen();
        try {
            while (true) {
                RedisReply r = decoder.decode(buf, start, end);
                start = decoder.position();
                if (r != null) {
                    everReadReply = true;
                    ConnectListener<RedisReply> observer = observer();
                    if (observer != null) {
                        observer.received(r);
                    }
                    return r;
                }
                if (start == end) {
                    start = 0;
                    end = 0;
                } else if (end == buf.length) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    } else {
                        buf = Arrays.copyOf(buf, buf.length * 2); // a header line longer than the buffer; the decoder bounds it
                    }
                }
                setSoTimeout(timeout);
                int n;
                try {
                    n = in.read(buf, end, buf.length - end);
                } catch (SocketTimeoutException e) {
                    if (timeoutIsNormal) {
                        return null;
                    }
                    throw fail("timed out after " + describe(timeout) + " waiting for a reply from " + peer
                            + (everReadReply || closeHint == null ? "" : " (" + closeHint + ")"), e, true);
                }
                if (n < 0) {
                    throw fail(closedMessage(), null);
                }
                end += n;
            }
        } catch (RespProtocolException e) {
            throw fail("protocol error from " + peer + ": " + e.getMessage()
                    + (everReadReply || closeHint == null ? "" : " (" + closeHint + ")"), e);
        } catch (IOException e) {
            throw fail("cannot read from " + peer + ": " + e.getMessage() + readFailureHint(e), e);
        }
    }

    /** What a read or write failure probably means: a TLS alert about our certificate, or the wrong kind of port. */
    private String readFailureHint(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("certificate_required")) {
                return " (the server requires a client certificate: set sslcert and sslkey, or sslkeystore)";
            }
            for (String alert : new String[] {"bad_certificate", "unknown_ca", "certificate_unknown", "access_denied",
                    "certificate_expired", "certificate_revoked", "unsupported_certificate", "decrypt_error"}) {
                if (m.contains(alert)) {
                    return " (the server rejected the client certificate: TLS alert " + alert + ")";
                }
            }
        }
        return everReadReply || closeHint == null ? "" : " (" + closeHint + ")";
    }

    private String closedMessage() {
        if (!decoder.isIdle() || start != end) {
            return "server " + peer + " closed the connection in the middle of a reply (truncated stream)";
        }
        String m = "server " + peer + " closed the connection";
        return everReadReply || closeHint == null ? m : m + ": " + closeHint;
    }

    private void setSoTimeout(Duration timeout) throws IOException {
        long ms = timeout.toMillis();
        int v = ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) (timeout.isZero() ? 0 : Math.max(1, ms));
        if (v != soTimeoutMillis) {
            socket.setSoTimeout(v);
            soTimeoutMillis = v;
        }
    }

    boolean isOpen() {
        return !closed;
    }

    boolean isBroken() {
        return brokenReason != null;
    }

    private void ensureOpen() {
        if (brokenReason != null) {
            throw new RedisConnectionException("connection to " + peer + " is broken by an earlier failure: " + brokenReason);
        }
        if (closed) {
            throw new RedisConnectionException("connection to " + peer + " is closed");
        }
    }

    /** Marks the channel broken, closes the socket and returns the exception to throw. */
    RedisConnectionException fail(String message, Throwable cause) {
        return fail(message, cause, false);
    }

    /** As {@link #fail(String, Throwable)}; {@code timedOut}: a {@link RedisTimeoutException} (the reply did not come in time). */
    private RedisConnectionException fail(String message, Throwable cause, boolean timedOut) {
        if (tls != null && !everReadReply && !closed) {
            Optional<TlsException> rejected = tls.serverRejection(
                    cause instanceof IOException io ? io : new EOFException(message));
            if (rejected.isPresent()) {
                message = rejected.get().getMessage();
                cause = rejected.get();
            }
        }
        if (brokenReason == null && !closed) {
            brokenReason = message;
        }
        closed = true;
        closeQuietly();
        // a TLS rejection seen on the first read: the server refused the handshake, nothing ran (CONNECT)
        if (cause instanceof TlsException) {
            return new RedisConnectionException(message, cause);
        }
        return timedOut ? new RedisTimeoutException(TimeoutKind.COMMAND, message, cause)
                : RedisConnectionException.broken(message, cause);
    }

    void close() {
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    String peer() {
        return peer;
    }

    static String describe(Duration d) {
        if (d.isZero()) {
            return "forever";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
