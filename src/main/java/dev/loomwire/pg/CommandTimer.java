package dev.loomwire.pg;

import dev.loomwire.error.TimeoutKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Bounds a {@link PgPool} call: when it runs longer than the command timeout, the statement is
 * cancelled with a CancelRequest (over TLS when the connection is); if it still has not ended one
 * more timeout later, the connection is closed under it. The caller does not get its connection
 * back until a cancel in flight has finished, so a late cancel cannot hit the next borrower's
 * statement.
 */
final class CommandTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandTimer.class);

    private final Duration timeout;
    private final ScheduledExecutorService timer;

    CommandTimer(Duration timeout, String name) {
        this.timeout = timeout;
        this.timer = timeout.isZero() ? null
                : Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("loomwire-pg-timer-" + name).factory());
    }

    /** Runs {@code work} on {@code c} under the timeout. */
    <T> T run(PgConnection c, Function<PgConnection, T> work) {
        if (timer == null) {
            return work.apply(c);
        }
        Watch watch = new Watch(c);
        // each action blocks (a cancel opens a connection), so it gets its own virtual thread, not the timer's
        ScheduledFuture<?> cancel = timer.schedule(() -> Thread.ofVirtual().start(watch::cancel), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ScheduledFuture<?> kill = timer.schedule(() -> Thread.ofVirtual().start(watch::kill), timeout.toNanos() * 2, TimeUnit.NANOSECONDS);
        try {
            return work.apply(c);
        } catch (PgQueryCanceledException e) {
            if (watch.fired()) {
                throw timedOut(e);
            }
            throw e;
        } catch (PgConnectionException e) {
            if (watch.killed()) {
                throw new PgTimeoutException(TimeoutKind.COMMAND, "statement did not end within "
                        + PgPool.describe(timeout) + " after it was cancelled at the command_timeout; connection closed", e);
            }
            throw e;
        } finally {
            cancel.cancel(false);
            kill.cancel(false);
            watch.finish(c.isClosed());
        }
    }

    private PgQueryCanceledException timedOut(PgQueryCanceledException e) {
        java.util.Map<Character, String> fields = new java.util.HashMap<>(e.fields());
        fields.put('M', fields.getOrDefault('M', "canceling statement") + " (command_timeout of "
                + PgPool.describe(timeout) + " reached)");
        PgQueryCanceledException t = new PgQueryCanceledException(fields);
        t.initCause(e);
        return t;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One call's state, shared by the caller and the timer tasks. */
    private static final class Watch {
        private final PgConnection connection;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition cancelDone = lock.newCondition();
        private boolean finished;
        private boolean cancelling;
        private boolean fired;
        private boolean killed;

        Watch(PgConnection connection) {
            this.connection = connection;
        }

        void cancel() {
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                cancelling = true;
                fired = true;
            } finally {
                lock.unlock();
            }
            try {
                connection.cancel();
            } catch (RuntimeException e) {
                LOG.debug("cancel at command_timeout failed: {}", e.getMessage());
            } finally {
                lock.lock();
                try {
                    cancelling = false;
                    cancelDone.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        void kill() {
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                killed = true;
            } finally {
                lock.unlock();
            }
            LOG.debug("statement still running after cancel; closing the connection");
            connection.close(); // the blocked read then fails and the caller gets PgConnectionException
        }

        boolean fired() {
            lock.lock();
            try {
                return fired;
            } finally {
                lock.unlock();
            }
        }

        boolean killed() {
            lock.lock();
            try {
                return killed;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Marks the call over and waits for a cancel in flight, so it cannot hit a later
         * statement; no need to wait when the connection is closed and will not be lent again.
         */
        void finish(boolean connectionClosed) {
            lock.lock();
            try {
                finished = true;
                while (cancelling && !connectionClosed) {
                    cancelDone.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
