package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire session under a {@link PgConnection}: the stream, what the server reported
 * (ParameterStatus, transaction status, notifications) and the ONE response dispatcher every
 * reader goes through. {@link #exchange} writes a whole request at once and reads until
 * ReadyForQuery; {@link #receive} is the single place messages are read, asynchronous messages
 * (notices, notifications, parameter changes) are absorbed and transport failures turn the
 * session broken. Used by one thread at a time, except {@link #abort()}.
 */
final class PgSession {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);
    private static final int COPY_CHUNK = 64 * 1024;
    /**
     * Requests larger than this are written by a helper virtual thread while the caller reads the
     * replies: a big pipelined batch whose replies fill the server's send buffer would otherwise
     * stop the server reading, and both sides would wait on full buffers for ever.
     */
    static final int CONCURRENT_WRITE_THRESHOLD = 64 * 1024;

    /** Receives the messages of one request that are neither asynchronous nor ErrorResponse/ReadyForQuery. */
    @FunctionalInterface
    interface Handler {
        void on(BackendMessage m);
    }

    private final PgStream stream;
    private final Map<String, String> parameters;
    private final ArrayDeque<PgNotification> notifications = new ArrayDeque<>();
    private Consumer<PgNotice> noticeHandler;
    private char transactionStatus;
    private volatile boolean closed;
    private volatile boolean aborted;
    private int networkTimeoutMillis;
    private long writes;
    private InputStream copyInSource;
    private IOException copyInFailure;
    private boolean copyInStarted;
    private OutputStream copyOutSink;
    private IOException copyOutFailure;

    PgSession(Connector.Established e, Consumer<PgNotice> noticeHandler) {
        this.stream = e.stream();
        this.parameters = new HashMap<>(e.parameters());
        this.transactionStatus = e.transactionStatus();
        this.noticeHandler = noticeHandler;
    }

    void onNotice(Consumer<PgNotice> handler) {
        this.noticeHandler = handler;
    }

    Map<String, String> parameters() {
        return parameters;
    }

    char transactionStatus() {
        return transactionStatus;
    }

    boolean isClosed() {
        return closed;
    }

    long writes() {
        return writes;
    }

    ArrayDeque<PgNotification> notifications() {
        return notifications;
    }

    void ensureOpen() {
        if (closed) {
            throw PgConnectionException.broken(aborted ? "connection was aborted" : "connection is closed", null);
        }
    }

    // ---------------------------------------------------------------- timeouts

    /** SO_TIMEOUT while waiting for the server; zero for none. */
    void setNetworkTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("network timeout must be zero (none) or positive");
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        if (!timeout.isZero() && ms == 0) {
            ms = 1;
        }
        networkTimeoutMillis = ms;
        ensureOpen();
        applySoTimeout(ms);
    }

    Duration networkTimeout() {
        return Duration.ofMillis(networkTimeoutMillis);
    }

    private void applySoTimeout(int ms) {
        try {
            stream.socket().setSoTimeout(ms);
        } catch (IOException e) {
            throw broken("connection to the server was lost: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- the dispatcher

    void write(ByteSink request) throws IOException {
        writes++;
        stream.write(request);
    }

    /**
     * Writes the request once, then dispatches messages until ReadyForQuery. The first
     * ErrorResponse is thrown after ReadyForQuery, so the connection stays usable; messages after
     * it are not given to {@code handler}. FATAL errors, I/O and protocol failures close the session.
     */
    void exchange(ByteSink request, Handler handler) {
        ensureOpen();
        PgServerException error = null;
        Writer writer = null;
        try {
            if (request.size() > CONCURRENT_WRITE_THRESHOLD) {
                writer = new Writer(request);
            } else {
                write(request);
            }
            while (true) {
                BackendMessage m = receive();
                switch (m) {
                    case ReadyForQuery r -> {
                        transactionStatus = r.transactionStatus();
                        if (writer != null) {
                            Writer w = writer;
                            writer = null;
                            w.finish();
                        }
                        if (error != null) {
                            throw error;
                        }
                        return;
                    }
                    case ErrorResponse e -> {
                        if (error == null) {
                            error = PgServerException.of(e.fields());
                        }
                        String severity = e.fields().get('V');
                        if ("FATAL".equals(severity) || "PANIC".equals(severity)) {
                            closeBroken();
                            throw error;
                        }
                    }
                    case CopyInResponse c -> copyIn();
                    case CopyOutResponse c -> { }
                    case CopyData d -> copyOut(d);
                    case CopyDone d -> { }
                    case CloseComplete c -> { }
                    default -> {
                        if (error == null) {
                            handler.on(m);
                        }
                    }
                }
            }
        } catch (IOException e) {
            IOException cause = e;
            if (writer != null) {
                // the writer's failure names the cause (e.g. tcp_user_timeout) even when the read saw it first
                Writer w = writer;
                writer = null;
                if (e instanceof SocketTimeoutException) {
                    closeBroken(); // our read timeout: unblock a writer stuck on a slow peer
                }
                w.awaitQuietly();
                cause = e instanceof SocketTimeoutException ? e : w.failureOr(e);
            }
            throw lost(cause);
        } catch (ProtocolException e) {
            throw broken("protocol error: " + e.getMessage() + "; connection closed", e);
        } finally {
            if (writer != null) {
                closeBroken(); // left early: the request may be half written
                writer.awaitQuietly();
            }
        }
    }

    /** Writes one request on its own virtual thread; a failure closes the socket so the reader stops too. */
    private final class Writer {
        private final Thread thread;
        private volatile IOException failure;

        Writer(ByteSink request) {
            writes++;
            thread = Thread.ofVirtual().name("loomwire-pg-writer").start(() -> {
                try {
                    stream.write(request);
                } catch (IOException e) {
                    failure = e;
                    stream.close();
                }
            });
        }

        /** After ReadyForQuery the server has read everything: the write is done or failed. */
        void finish() throws IOException {
            awaitQuietly();
            if (failure != null) {
                throw failure;
            }
        }

        IOException failureOr(IOException readFailure) {
            return failure != null ? failure : readFailure;
        }

        void awaitQuietly() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The next message that is not asynchronous; notices, notifications and parameter changes are absorbed here. */
    private BackendMessage receive() throws IOException {
        while (true) {
            BackendMessage m = stream.read();
            if (!asynchronous(m)) {
                return m;
            }
        }
    }

    private PgConnectionException lost(IOException e) {
        if (aborted) {
            return broken("connection was aborted", e);
        }
        if (e instanceof SocketTimeoutException && networkTimeoutMillis > 0) {
            return broken("no reply from the server within the network timeout of "
                    + PgPool.describe(Duration.ofMillis(networkTimeoutMillis)) + "; connection closed", e);
        }
        return broken("connection to the server was lost: " + e.getMessage(), e);
    }

    /** Handles NoticeResponse, NotificationResponse, ParameterStatus; true if {@code m} was one. */
    private boolean asynchronous(BackendMessage m) {
        switch (m) {
            case NoticeResponse n -> {
                try {
                    noticeHandler.accept(new PgNotice(n.fields()));
                } catch (RuntimeException e) {
                    LOG.warn("notice handler failed", e);
                }
                return true;
            }
            case NotificationResponse n -> {
                notifications.add(new PgNotification(n.processId(), n.channel(), n.payload()));
                return true;
            }
            case ParameterStatus p -> {
                parameters.put(p.name(), p.value());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Reads while idle for up to {@code timeoutMillis}, until a notification is queued; then the
     * network timeout is restored. Anything but an asynchronous message is a protocol error.
     */
    void awaitNotification(long deadlineNanos) {
        ensureOpen();
        try {
            while (notifications.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                stream.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                BackendMessage m;
                try {
                    m = receive();
                } catch (SocketTimeoutException e) {
                    if (stream.midMessage()) {
                        throw e;
                    }
                    break;
                }
                if (m instanceof ErrorResponse e) {
                    closeBroken();
                    throw PgServerException.of(e.fields());
                }
                throw new ProtocolException("unexpected " + stream.lastTypeName() + " while idle");
            }
            stream.socket().setSoTimeout(networkTimeoutMillis);
        } catch (IOException e) {
            throw lost(e);
        } catch (ProtocolException e) {
            throw broken("protocol error: " + e.getMessage() + "; connection closed", e);
        }
    }

    // ---------------------------------------------------------------- COPY, driven by the dispatcher

    /**
     * Runs a simple-protocol COPY FROM STDIN request, streaming {@code data} when the server asks
     * for it. Returns false if the server never asked (the statement was no COPY FROM STDIN).
     */
    boolean copyIn(ByteSink request, InputStream data, Handler handler) {
        copyInSource = data;
        copyInFailure = null;
        copyInStarted = false;
        try {
            exchange(request, handler);
        } catch (PgServerException e) {
            if (copyInFailure == null) {
                throw e;
            }
        } finally {
            copyInSource = null;
        }
        if (copyInFailure != null) {
            throw new PgException("COPY FROM STDIN aborted: reading the input failed: " + copyInFailure.getMessage(),
                    copyInFailure);
        }
        return copyInStarted;
    }

    /** COPY TO STDOUT through the dispatcher; data goes to {@code sink}. */
    void copyOut(ByteSink request, OutputStream sink, Handler handler) {
        copyOutSink = sink;
        copyOutFailure = null;
        try {
            exchange(request, handler);
        } finally {
            copyOutSink = null;
        }
        if (copyOutFailure != null) {
            throw new PgException("COPY TO STDOUT: writing the output failed: " + copyOutFailure.getMessage(),
                    copyOutFailure);
        }
    }

    private void copyOut(CopyData d) {
        if (copyOutSink != null && copyOutFailure == null) {
            try {
                copyOutSink.write(d.data());
            } catch (IOException e) {
                copyOutFailure = e;
            }
        }
    }

    /** Answers CopyInResponse: the input as CopyData then CopyDone, CopyFail when there is none or it fails. */
    private void copyIn() throws IOException {
        ByteSink out = new ByteSink(COPY_CHUNK + 16);
        if (copyInSource == null) {
            Frontend.copyFail(out, "COPY FROM STDIN needs PgConnection.copyIn");
            write(out);
            return;
        }
        copyInStarted = true;
        byte[] chunk = new byte[COPY_CHUNK];
        while (true) {
            int n;
            try {
                n = copyInSource.readNBytes(chunk, 0, chunk.length);
            } catch (IOException e) {
                out.clear();
                Frontend.copyFail(out, "client input failed");
                write(out);
                copyInFailure = e;
                return;
            }
            out.clear();
            if (n > 0) {
                Frontend.copyData(out, chunk, 0, n);
            }
            if (n < chunk.length) {
                Frontend.copyDone(out);
                write(out);
                return;
            }
            write(out);
        }
    }

    // ---------------------------------------------------------------- close

    private void closeBroken() {
        closed = true;
        stream.close();
    }

    /** Closes the session after a transport or protocol failure and returns the exception to throw. */
    PgConnectionException broken(String message, Exception cause) {
        closeBroken();
        return PgConnectionException.broken(message, cause);
    }

    /** Closes the socket now, from any thread, without Terminate: a call blocked on it fails. */
    void abort() {
        aborted = !closed;
        closed = true;
        stream.close();
    }

    /** Sends Terminate and closes the socket. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ByteSink out = new ByteSink(8);
            Frontend.terminate(out);
            write(out);
        } catch (IOException e) {
            LOG.debug("Terminate not sent: {}", e.getMessage());
        } finally {
            stream.close();
        }
    }
}
