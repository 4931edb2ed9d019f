package dev.loomwire.tls;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The plain socket the drivers open ({@link SocketOptions#newSocket()}). Its output stream
 * <ul>
 *   <li>enforces {@code tcp_user_timeout}: a write blocked longer than the limit closes the socket;</li>
 *   <li>while {@link TlsSockets} runs a handshake, holds back a write failure (a broken pipe or
 *       reset because the server already refused the client certificate and hung up) so that the
 *       JDK goes on to read the server's alert, which names the reason, instead of failing on the
 *       write; the held failure is reported after the handshake if no alert explains it.</li>
 * </ul>
 */
final class TransportSocket extends Socket {
    /** Arms one timer per write of a socket with a user timeout; cancelled timers are removed at once. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long limitMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private volatile boolean holdWriteFailures;
    private volatile IOException held;

    TransportSocket(long userTimeoutMillis) {
        this.limitMillis = userTimeoutMillis;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "loomwire-tcp-user-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Starts or ends the handshake phase in which write failures are held back. */
    void holdWriteFailures(boolean on) {
        holdWriteFailures = on;
    }

    /** The write failure held back during the handshake, if any; forgets it. */
    IOException takeHeldFailure() {
        IOException e = held;
        held = null;
        return e;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        lock.lock();
        try {
            if (out == null) {
                out = new Guarded(super.getOutputStream());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private final class Guarded extends FilterOutputStream {
        Guarded(OutputStream raw) {
            super(raw);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (held != null) {
                return; // the peer is gone; the handshake will read its alert or fail on reading
            }
            try {
                if (limitMillis > 0) {
                    timedWrite(b, off, len);
                } else {
                    out.write(b, off, len);
                }
            } catch (IOException e) {
                if (!holdWriteFailures) {
                    throw e;
                }
                held = e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        private void timedWrite(byte[] b, int off, int len) throws IOException {
            AtomicBoolean done = new AtomicBoolean();
            AtomicBoolean fired = new AtomicBoolean();
            ScheduledFuture<?> timer = TIMER.schedule(() -> {
                if (done.compareAndSet(false, true)) {
                    fired.set(true);
                    try {
                        TransportSocket.this.close();
                    } catch (IOException ignored) {
                        // the blocked write fails either way
                    }
                }
            }, limitMillis, TimeUnit.MILLISECONDS);
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                if (fired.get()) {
                    throw timedOut(e);
                }
                throw e;
            } finally {
                done.set(true);
                timer.cancel(false);
            }
            if (fired.get()) {
                throw timedOut(null);
            }
        }

        private SocketException timedOut(IOException cause) {
            SocketException e = new SocketException("the peer did not take written data within tcp_user_timeout="
                    + limitMillis + " ms: connection closed");
            if (cause != null) {
                e.initCause(cause);
            }
            return e;
        }
    }
}
