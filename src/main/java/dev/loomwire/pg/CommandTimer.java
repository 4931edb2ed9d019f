package dev.loomwire.pg;

import dev.loomwire.error.TimeoutKind;
import dev.loomwire.pool.PoolClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Bounds a {@link PgPool} call: when it runs longer than the command timeout, the statement is
 * cancelled with a CancelRequest (over TLS when the connection is); if it still has not ended one
 * more timeout later, the connection is closed under it.
 *
 * <p>Each call is a small state machine changed only by compare-and-set, so the end of the call
 * and each timer action are one decision with one winner: {@code RUNNING → DONE} (the call ended
 * first: the timer does nothing more) or {@code RUNNING → CANCELLING → CANCELLED} (the cancel
 * went out) and then {@code CANCELLED → DONE} or {@code CANCELLED → KILLING → KILLED} (the
 * connection is closed). A call that ends while a cancel or a kill is in flight waits for it, so
 * when {@link #run} returns the connection is either untouched by the timer from now on or
 * already closed: the pool never lends a connection that is about to be closed, and a late
 * cancel cannot hit the next borrower's statement.
 *
 * <p>One timer task per call (the kill is armed only once the cancel went out), on a scheduler
 * that removes cancelled tasks at once, so a busy pool does not pile up dead timers.
 */
final class CommandTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandTimer.class);

    /** Runs timer actions after a delay; the pool's real one is a virtual-thread scheduled executor, tests drive their own. */
    interface Scheduler {
        /** Runs {@code action} (which may block) once after {@code delayNanos}, unless the returned future is cancelled first. */
        Future<?> schedule(Runnable action, long delayNanos);

        void shutdown();
    }

    private final Duration timeout;
    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final String name;
    /** Runs between the kill's decision and its close: a seam for tests that end a call right there. */
    private final Runnable afterKillDecision;

    CommandTimer(Duration timeout, String name) {
        this(timeout, name, timeout.isZero() ? null : executorScheduler(name), () -> { });
    }

    CommandTimer(Duration timeout, String name, Scheduler scheduler, Runnable afterKillDecision) {
        this.timeout = timeout;
        this.name = name;
        this.timeoutNanos = timeout.toNanos();
        this.scheduler = scheduler;
        this.afterKillDecision = afterKillDecision;
    }

    Duration timeout() {
        return timeout;
    }

    private static Scheduler executorScheduler(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofVirtual().name("loomwire-pg-timer-" + name).factory());
        executor.setRemoveOnCancelPolicy(true);
        return new Scheduler() {
            @Override
            public Future<?> schedule(Runnable action, long delayNanos) {
                // each action blocks (a cancel opens a connection), so it gets its own virtual thread, not the timer's
                return executor.schedule(() -> Thread.ofVirtual().start(action), delayNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }

    /** Runs {@code work} on {@code c} under the timeout. */
    <T> T run(PgConnection c, Function<PgConnection, T> work) {
        if (scheduler == null) {
            return work.apply(c);
        }
        Watch watch = new Watch(c, Thread.currentThread(), System.nanoTime() + 2 * timeoutNanos);
        try {
            watch.pending = scheduler.schedule(watch::cancel, timeoutNanos);
        } catch (RejectedExecutionException e) {
            throw new PoolClosedException("pool " + name + " is closed");
        }
        try {
            return work.apply(c);
        } catch (PgQueryCanceledException e) {
            if (watch.fired) {
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
            watch.finish();
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
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    /** One call's state machine, shared by the caller and the timer actions. */
    private final class Watch {
        static final int RUNNING = 0;
        static final int CANCELLING = 1;
        static final int CANCELLED = 2;
        static final int KILLING = 3;
        static final int KILLED = 4;
        static final int DONE = 5;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Watch.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final PgConnection connection;
        private final Thread caller;
        private final long killAt;
        private volatile int state;
        /** The cancel went out (or was attempted): a 57014 the call gets is ours. */
        volatile boolean fired;
        /** The armed timer action, disarmed when the call ends. */
        volatile Future<?> pending;

        Watch(PgConnection connection, Thread caller, long killAt) {
            this.connection = connection;
            this.caller = caller;
            this.killAt = killAt;
        }

        private boolean move(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        /** At the timeout: cancel the statement, then arm the kill for one more timeout. */
        void cancel() {
            if (!move(RUNNING, CANCELLING)) {
                return;
            }
            fired = true;
            try {
                connection.cancel();
            } catch (RuntimeException e) {
                LOG.debug("cancel at command_timeout failed: {}", e.getMessage());
            } finally {
                try {
                    if (move(CANCELLING, CANCELLED)) {
                        pending = scheduler.schedule(this::kill, Math.max(0, killAt - System.nanoTime()));
                    }
                } catch (RejectedExecutionException e) {
                    LOG.debug("the pool closed: no kill armed after the cancel");
                } finally {
                    LockSupport.unpark(caller); // it may be waiting in finish() for this cancel
                }
            }
        }

        /** One timeout after the cancel: close the connection under the call, unless the call ended first. */
        void kill() {
            if (!move(CANCELLED, KILLING)) {
                return;
            }
            LOG.debug("statement still running after cancel; closing the connection");
            try {
                afterKillDecision.run();
                connection.close(); // a blocked read then fails and the caller gets PgTimeoutException
            } finally {
                state = KILLED;
                LockSupport.unpark(caller);
            }
        }

        boolean killed() {
            int s = state;
            return s == KILLING || s == KILLED;
        }

        /**
         * Ends the call: wins against the timer (the connection is then the caller's alone), or
         * waits for the cancel or kill in flight to finish; a killed connection is closed on return.
         */
        void finish() {
            Future<?> armed = pending;
            if (armed != null) {
                armed.cancel(false);
            }
            boolean interrupted = false;
            try {
                while (true) {
                    int s = state;
                    switch (s) {
                        case RUNNING, CANCELLED -> {
                            if (move(s, DONE)) {
                                disarm();
                                return;
                            }
                        }
                        case CANCELLING, KILLING -> {
                            // no need to wait for a cancel when the connection is closed: it cannot hit a later statement
                            if (s == CANCELLING && connection.isClosed() && move(CANCELLING, DONE)) {
                                return;
                            }
                            LockSupport.park(this);
                            interrupted |= Thread.interrupted();
                        }
                        default -> {
                            return; // KILLED (the connection is closed) or DONE
                        }
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The kill may have been armed after {@link #finish} disarmed the cancel. */
        private void disarm() {
            Future<?> armed = pending;
            if (armed != null) {
                armed.cancel(false);
            }
        }
    }
}
