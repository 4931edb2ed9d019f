package dev.loomwire.jdbc;

import dev.loomwire.pg.PgQueryCanceledException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds one statement by its query timeout: when it expires the statement is cancelled
 * (CancelRequest, over TLS when the session is encrypted) and fails with SQLTimeoutException.
 * {@link #close()} does not return while a cancel is in flight, so a late cancel cannot hit the
 * connection's next statement. (The network timeout is the session's socket timeout.)
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** One timer thread for the driver; each action runs on its own virtual thread, as it may block. */
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("loomwire-jdbc-timer").factory());
    private static final Watchdog NONE = new Watchdog(null, 0);

    private enum State { RUNNING, CANCELLING, FINISHED }

    private final LoomwireConnection connection;
    private final int queryTimeoutSeconds;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition cancelDone = lock.newCondition();
    private State state = State.RUNNING;
    private boolean cancelled;
    private ScheduledFuture<?> cancelTask;

    private Watchdog(LoomwireConnection connection, int queryTimeoutSeconds) {
        this.connection = connection;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** Starts watching a statement; a timeout of 0 means nothing to watch. */
    static Watchdog start(LoomwireConnection connection, int queryTimeoutSeconds) {
        if (queryTimeoutSeconds <= 0) {
            return NONE;
        }
        Watchdog w = new Watchdog(connection, queryTimeoutSeconds);
        w.cancelTask = TIMER.schedule(() -> Thread.ofVirtual().start(w::cancel), queryTimeoutSeconds, TimeUnit.SECONDS);
        return w;
    }

    private void cancel() {
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return;
            }
            state = State.CANCELLING;
        } finally {
            lock.unlock();
        }
        try {
            connection.cancelRunning();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("query timeout of {} s: the cancel request failed: {}", queryTimeoutSeconds, e.getMessage());
        } finally {
            lock.lock();
            try {
                cancelled = true;
                state = State.RUNNING;
                cancelDone.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops watching; waits for a cancel in flight. Idempotent. */
    @Override
    public void close() {
        if (this == NONE) {
            return;
        }
        if (cancelTask != null) {
            cancelTask.cancel(false);
        }
        lock.lock();
        try {
            while (state == State.CANCELLING) {
                cancelDone.awaitUninterruptibly();
            }
            state = State.FINISHED;
        } finally {
            lock.unlock();
        }
    }

    /** The SQLException for a failure of the watched call, naming the limit when one of them ended it. */
    SQLException failure(RuntimeException e) {
        close();
        if (cancelled && e instanceof PgQueryCanceledException c) {
            return new SQLTimeoutException("query timeout of " + queryTimeoutSeconds + " s expired: the statement was"
                    + " cancelled (" + c.serverMessage() + ")", c.sqlState(), c);
        }
        return JdbcErrors.of(e);
    }
}
