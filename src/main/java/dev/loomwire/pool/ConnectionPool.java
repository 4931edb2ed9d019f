package dev.loomwire.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A fair, bounded pool of blocking connections for many (virtual) threads.
 *
 * <p>Callers are served strictly first come, first served: a caller that finds no idle
 * connection parks in a FIFO queue on its own {@link Condition}, and a returned connection (or
 * room to open a new one) is handed directly to the head of the queue, so late arrivals cannot
 * barge past waiters. Waiting never spins and never holds a monitor: 10,000 parked virtual
 * threads cost 10,000 small queue entries. Connections are opened and validated by the caller
 * that needs them, outside the lock.
 *
 * <p>A connection that is broken ({@link ConnectionFactory#isUsable} false), older than
 * {@link PoolSettings#maxLifetime()}, or fails validation after sitting idle is closed, never
 * lent again. A housekeeping virtual thread closes connections idle longer than
 * {@link PoolSettings#idleTimeout()} and keeps {@link PoolSettings#minIdle()} open.
 * {@link #close()} fails every waiter with {@link PoolClosedException}, closes idle connections
 * at once and lent ones when they come back.
 *
 * @param <C> the connection type
 */
public final class ConnectionPool<C> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    private final ConnectionFactory<C> factory;
    private final PoolSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition housekeeperWake = lock.newCondition();
    /** Most recently returned last: lending from the tail keeps hot connections busy and lets cold ones time out. */
    private final ArrayDeque<Entry<C>> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter<C>> waiters = new ArrayDeque<>();
    private final Thread housekeeper;
    private int total;
    private int pending;
    private int inUse;
    private boolean closed;

    static final class Entry<C> {
        final C connection;
        final long createdNanos;
        long lastUsedNanos;

        Entry(C connection, long now) {
            this.connection = connection;
            this.createdNanos = now;
            this.lastUsedNanos = now;
        }
    }

    /** A parked caller; the granter sets {@code entry} or {@code mayOpen} and signals. */
    private static final class Waiter<C> {
        final Condition wake;
        Entry<C> entry;
        boolean mayOpen;

        Waiter(Condition wake) {
            this.wake = wake;
        }
    }

    /** Creates the pool and starts its housekeeper, which opens {@code minIdle} connections in the background. */
    public ConnectionPool(ConnectionFactory<C> factory, PoolSettings settings) {
        if (factory == null || settings == null) {
            throw new IllegalArgumentException("factory and settings must not be null");
        }
        this.factory = factory;
        this.settings = settings;
        this.housekeeper = Thread.ofVirtual().name("loomwire-pool-" + settings.name()).unstarted(this::housekeeping);
        housekeeper.start();
    }

    public PoolSettings settings() {
        return settings;
    }

    /**
     * Borrows a connection, waiting in FIFO order up to {@link PoolSettings#acquireTimeout()}.
     * Give it back with {@link PooledConnection#close()} (try-with-resources).
     *
     * @throws PoolTimeoutException when none became free in time
     * @throws PoolClosedException  when the pool is or gets closed
     * @throws RuntimeException     whatever {@link ConnectionFactory#open()} threw, when this
     *                              caller had to open a connection and could not
     */
    public PooledConnection<C> acquire() {
        long deadline = System.nanoTime() + settings.acquireTimeout().toNanos();
        while (true) {
            Entry<C> e = reserve(deadline);
            if (e == null) {
                return new PooledConnection<>(this, openReserved());
            }
            if (needsValidation(e) && !validates(e)) {
                release(e, true);
                continue;
            }
            return new PooledConnection<>(this, e);
        }
    }

    /**
     * Runs {@code work} with a borrowed connection and gives it back afterwards; a connection
     * the work broke is discarded. Exceptions from {@code work} pass through unchanged.
     */
    public <T> T withConnection(Function<? super C, ? extends T> work) {
        PooledConnection<C> lease = acquire();
        try {
            return work.apply(lease.get());
        } catch (Error e) {
            lease.discard();
            throw e;
        } finally {
            lease.close();
        }
    }

    /** Counters at this instant. */
    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(total, idle.size(), inUse, pending, waiters.size());
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the pool: waiting and future callers get {@link PoolClosedException}, idle
     * connections are closed now and lent ones when they are given back. Idempotent.
     */
    @Override
    public void close() {
        List<Entry<C>> toClose;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(idle);
            total -= idle.size();
            idle.clear();
            for (Waiter<C> w : waiters) {
                w.wake.signal();
            }
            waiters.clear();
            housekeeperWake.signal();
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        log.debug("pool {} closed; {} lent connections close when given back", settings.name(), stats().inUse());
    }

    // ---------------------------------------------------------------- internals

    /** An idle entry (counted in use), or null when the caller may open a new connection (counted pending). */
    private Entry<C> reserve(long deadline) {
        List<Entry<C>> toClose = new ArrayList<>(0);
        lock.lock();
        try {
            ensureOpen();
            if (waiters.isEmpty()) {
                long now = System.nanoTime();
                Entry<C> e;
                while ((e = idle.pollLast()) != null) {
                    if (expired(e, now) || !factory.isUsable(e.connection)) {
                        total--;
                        toClose.add(e);
                        continue;
                    }
                    inUse++;
                    return e;
                }
                if (total < settings.maxSize()) {
                    total++;
                    pending++;
                    return null;
                }
            }
            return await(deadline);
        } finally {
            lock.unlock();
            closeAll(toClose);
        }
    }

    /** Parks in the FIFO queue until granted an entry or room to open; called with the lock held. */
    private Entry<C> await(long deadline) {
        Waiter<C> w = new Waiter<>(lock.newCondition());
        waiters.addLast(w);
        long remaining = deadline - System.nanoTime();
        try {
            while (w.entry == null && !w.mayOpen) {
                if (closed) {
                    throw closedException();
                }
                if (remaining <= 0) {
                    waiters.remove(w);
                    throw new PoolTimeoutException("timed out after " + describe(settings.acquireTimeout())
                            + " (acquire_timeout) waiting for a connection from pool " + settings.name()
                            + ": all " + total + " of max_size=" + settings.maxSize() + " are busy ("
                            + inUse + " in use, " + pending + " opening), " + waiters.size() + " other callers waiting");
                }
                remaining = w.wake.awaitNanos(remaining);
            }
            return w.entry;
        } catch (InterruptedException e) {
            waiters.remove(w);
            if (w.entry != null) {
                inUse--;
                giveBackLocked(w.entry);
            } else if (w.mayOpen) {
                total--;
                pending--;
                grantRoomLocked();
            }
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted while waiting for a connection from pool " + settings.name(), e);
        }
    }

    private Entry<C> openReserved() {
        C c;
        try {
            c = factory.open();
        } catch (RuntimeException | Error e) {
            unreserve(1);
            throw e;
        }
        Entry<C> e = new Entry<>(c, System.nanoTime());
        lock.lock();
        try {
            pending--;
            inUse++;
            if (closed) {
                inUse--;
                total--;
            } else {
                return e;
            }
        } finally {
            lock.unlock();
        }
        factory.close(c);
        throw closedException();
    }

    /** Takes a lent connection back: to the next waiter, to the idle set, or closed. */
    void release(Entry<C> e, boolean discard) {
        boolean close;
        lock.lock();
        try {
            inUse--;
            e.lastUsedNanos = System.nanoTime();
            close = discard || closed || expired(e, e.lastUsedNanos) || !factory.isUsable(e.connection);
            if (close) {
                total--;
                grantRoomLocked();
            } else {
                giveBackLocked(e);
            }
        } finally {
            lock.unlock();
        }
        if (close) {
            closeQuietly(e);
        }
    }

    /** Hands a good connection to the first waiter, or makes it idle; lock held. */
    private void giveBackLocked(Entry<C> e) {
        Waiter<C> w = waiters.pollFirst();
        if (w != null) {
            inUse++;
            w.entry = e;
            w.wake.signal();
        } else {
            idle.addLast(e);
        }
    }

    /** Lets waiters open connections while there is room below max size; lock held. */
    private void grantRoomLocked() {
        while (!closed && total < settings.maxSize() && !waiters.isEmpty()) {
            Waiter<C> w = waiters.pollFirst();
            total++;
            pending++;
            w.mayOpen = true;
            w.wake.signal();
        }
    }

    private boolean needsValidation(Entry<C> e) {
        return System.nanoTime() - e.lastUsedNanos >= settings.validateAfterIdle().toNanos();
    }

    private boolean validates(Entry<C> e) {
        try {
            if (factory.validate(e.connection)) {
                return true;
            }
            log.debug("pool {}: idle connection failed validation; discarding it", settings.name());
        } catch (RuntimeException ex) {
            log.debug("pool {}: idle connection failed validation ({}); discarding it", settings.name(), ex.toString());
        }
        return false;
    }

    private boolean expired(Entry<C> e, long now) {
        return !settings.maxLifetime().isZero() && now - e.createdNanos >= settings.maxLifetime().toNanos();
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private PoolClosedException closedException() {
        return new PoolClosedException("pool " + settings.name() + " is closed");
    }

    private void housekeeping() {
        while (true) {
            List<Entry<C>> toClose = new ArrayList<>(0);
            int toOpen;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                evictLocked(toClose);
                grantRoomLocked();
                toOpen = waiters.isEmpty() ? Math.min(settings.minIdle() - idle.size() - pending, settings.maxSize() - total) : 0;
                toOpen = Math.max(0, toOpen);
                total += toOpen;
                pending += toOpen;
            } finally {
                lock.unlock();
            }
            closeAll(toClose);
            for (int i = 0; i < toOpen; i++) {
                if (!openIdle()) {
                    unreserve(toOpen - i - 1);
                    break;
                }
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                housekeeperWake.awaitNanos(settings.housekeepingInterval().toNanos());
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private void evictLocked(List<Entry<C>> toClose) {
        long now = System.nanoTime();
        long idleLimit = settings.idleTimeout().toNanos();
        Iterator<Entry<C>> it = idle.iterator(); // oldest-returned first
        while (it.hasNext()) {
            Entry<C> e = it.next();
            boolean idleTooLong = idleLimit > 0 && now - e.lastUsedNanos >= idleLimit && idle.size() > settings.minIdle();
            if (idleTooLong || expired(e, now) || !factory.isUsable(e.connection)) {
                it.remove();
                total--;
                toClose.add(e);
            }
        }
    }

    /** Opens a connection the housekeeper reserved room for; false (reservation returned) when that fails. */
    private boolean openIdle() {
        C c;
        try {
            c = factory.open();
        } catch (RuntimeException e) {
            log.warn("pool {}: cannot open an idle connection: {}", settings.name(), e.getMessage());
            unreserve(1);
            return false;
        }
        Entry<C> e = new Entry<>(c, System.nanoTime());
        lock.lock();
        try {
            pending--;
            if (!closed) {
                giveBackLocked(e);
                return true;
            }
            total--;
        } finally {
            lock.unlock();
        }
        closeQuietly(e);
        return false;
    }

    private void unreserve(int count) {
        if (count == 0) {
            return;
        }
        lock.lock();
        try {
            total -= count;
            pending -= count;
            grantRoomLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeAll(List<Entry<C>> entries) {
        for (Entry<C> e : entries) {
            closeQuietly(e);
        }
    }

    private void closeQuietly(Entry<C> e) {
        try {
            factory.close(e.connection);
        } catch (RuntimeException ex) {
            log.debug("pool {}: closing a connection failed: {}", settings.name(), ex.toString());
        }
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public String toString() {
        return "ConnectionPool[" + settings.name() + " " + stats() + "]";
    }
}
