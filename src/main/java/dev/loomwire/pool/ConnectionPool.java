package dev.loomwire.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A fair, bounded pool of blocking connections for many (virtual) threads.
 *
 * <p>Callers are served strictly first come, first served: a caller that finds no idle
 * connection parks in a FIFO queue, and a returned connection (or room to open a new one) is
 * handed directly to the head of the queue, so late arrivals cannot barge past waiters. The
 * hand-off is direct: the returning thread stores the connection in the waiter's entry and
 * unparks it after releasing the lock, and the woken caller returns without taking the lock
 * again. Waiting never spins and never holds a monitor: 10,000 parked virtual threads cost
 * 10,000 small queue entries. Waiters park without a timer; one virtual thread per pool enforces
 * {@link PoolSettings#acquireTimeout()} for all of them (the queue is FIFO and every caller gets
 * the same timeout, so it sleeps until the oldest waiter's deadline), which keeps a busy pool
 * from arming and cancelling a JDK timer on every wait. Connections are opened, checked and
 * validated by the caller that needs them, outside the lock.
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
    private final Condition timeoutWake = lock.newCondition();
    /** Most recently returned last: lending from the tail keeps hot connections busy and lets cold ones time out. */
    private final ArrayDeque<Entry<C>> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter<C>> waiters = new ArrayDeque<>();
    private final Thread housekeeper;
    private final Thread timeoutWatch;
    private final long acquireTimeoutNanos;
    /** When the timeout watch wakes next (nanoTime); a waiter with an earlier deadline nudges it. */
    private long timeoutWatchWake;
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

    /**
     * A parked caller. Every state change happens under the pool lock; the parked thread reads
     * {@code state} without it. The granter sets {@code entry} (or {@code mayOpen}) before it
     * publishes {@link #GRANTED}, then unparks the thread.
     */
    private static final class Waiter<C> {
        static final int WAITING = 0;
        static final int GRANTED = 1;
        static final int TIMED_OUT = 2;
        static final int CLOSED = 3;

        final Thread thread;
        final long deadline;
        Entry<C> entry;
        boolean mayOpen;
        volatile int state;

        Waiter(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }
    }

    /** Creates the pool and starts its housekeeper, which opens {@code minIdle} connections in the background. */
    public ConnectionPool(ConnectionFactory<C> factory, PoolSettings settings) {
        if (factory == null || settings == null) {
            throw new IllegalArgumentException("factory and settings must not be null");
        }
        this.factory = factory;
        this.settings = settings;
        this.acquireTimeoutNanos = settings.acquireTimeout().toNanos();
        this.timeoutWatchWake = System.nanoTime() + acquireTimeoutNanos;
        this.housekeeper = Thread.ofVirtual().name("loomwire-pool-" + settings.name()).unstarted(this::housekeeping);
        this.timeoutWatch = Thread.ofVirtual().name("loomwire-pool-" + settings.name() + "-timeouts").unstarted(this::watchTimeouts);
        housekeeper.start();
        timeoutWatch.start();
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
        long deadline = System.nanoTime() + acquireTimeoutNanos;
        while (true) {
            Entry<C> e = reserve(deadline);
            if (e == null) {
                return new PooledConnection<>(this, openReserved());
            }
            long now = System.nanoTime();
            if (expired(e, now) || !factory.isUsable(e.connection)) {
                release(e, true);
                continue;
            }
            if (now - e.lastUsedNanos >= settings.validateAfterIdle().toNanos() && !validates(e)) {
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
                w.state = Waiter.CLOSED;
                LockSupport.unpark(w.thread);
            }
            waiters.clear();
            housekeeperWake.signal();
            timeoutWake.signal();
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        log.debug("pool {} closed; {} lent connections close when given back", settings.name(), stats().inUse());
    }

    // ---------------------------------------------------------------- internals

    /**
     * An idle entry (counted in use; the caller checks it is still usable), or null when the
     * caller may open a new connection (counted pending).
     */
    private Entry<C> reserve(long deadline) {
        Waiter<C> w;
        lock.lock();
        try {
            ensureOpen();
            if (waiters.isEmpty()) {
                Entry<C> e = idle.pollLast();
                if (e != null) {
                    inUse++;
                    return e;
                }
                if (total < settings.maxSize()) {
                    total++;
                    pending++;
                    return null;
                }
            }
            w = new Waiter<>(Thread.currentThread(), deadline);
            waiters.addLast(w);
            if (deadline - timeoutWatchWake < 0) {
                timeoutWake.signal();
            }
        } finally {
            lock.unlock();
        }
        return await(w);
    }

    /**
     * Parks until the waiter is granted an entry or room to open, times out, or the pool closes.
     * Called without the lock: a grant needs no lock to be taken.
     */
    private Entry<C> await(Waiter<C> w) {
        while (true) {
            switch (w.state) {
                case Waiter.GRANTED -> {
                    return w.entry;
                }
                case Waiter.TIMED_OUT -> throw timedOut();
                case Waiter.CLOSED -> throw closedException();
                default -> LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                abandon(w);
            }
        }
    }

    /** The waiter's thread was interrupted: leave the queue, or give back what was granted meanwhile, and throw. */
    private void abandon(Waiter<C> w) {
        Waiter<C> next = null;
        lock.lock();
        try {
            if (w.state == Waiter.WAITING) {
                waiters.remove(w);
            } else if (w.state == Waiter.GRANTED) {
                if (w.entry != null) {
                    inUse--;
                    next = giveBackLocked(w.entry);
                } else {
                    total--;
                    pending--;
                    grantRoomLocked();
                }
            }
        } finally {
            lock.unlock();
        }
        unpark(next);
        Thread.currentThread().interrupt();
        throw new PoolException("interrupted while waiting for a connection from pool " + settings.name());
    }

    private PoolTimeoutException timedOut() {
        lock.lock();
        try {
            return new PoolTimeoutException("timed out after " + describe(settings.acquireTimeout())
                    + " (acquire_timeout) waiting for a connection from pool " + settings.name()
                    + ": all " + total + " of max_size=" + settings.maxSize() + " are busy ("
                    + inUse + " in use, " + pending + " opening), " + waiters.size() + " other callers waiting");
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pool's one acquire-timeout timer: fails waiters whose deadline passed, then sleeps until
     * the earliest remaining deadline (at most one acquire timeout: a caller queued later has a later one).
     */
    private void watchTimeouts() {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                long next = now + acquireTimeoutNanos;
                Iterator<Waiter<C>> it = waiters.iterator();
                while (it.hasNext()) {
                    Waiter<C> w = it.next();
                    if (w.deadline - now <= 0) {
                        it.remove();
                        w.state = Waiter.TIMED_OUT;
                        LockSupport.unpark(w.thread);
                    } else if (w.deadline - next < 0) {
                        next = w.deadline;
                    }
                }
                timeoutWatchWake = next;
                timeoutWake.awaitNanos(next - now);
            }
        } catch (InterruptedException e) {
            // the pool is closing
        } finally {
            lock.unlock();
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
        long now = System.nanoTime();
        boolean close = discard || expired(e, now) || !factory.isUsable(e.connection);
        Waiter<C> next = null;
        lock.lock();
        try {
            inUse--;
            e.lastUsedNanos = now;
            close |= closed;
            if (close) {
                total--;
                grantRoomLocked();
            } else {
                next = giveBackLocked(e);
            }
        } finally {
            lock.unlock();
        }
        unpark(next);
        if (close) {
            closeQuietly(e);
        }
    }

    /**
     * Hands a good connection to the first waiter, or makes it idle; lock held. Returns the
     * waiter, whom the caller unparks once it has released the lock (null when none).
     */
    private Waiter<C> giveBackLocked(Entry<C> e) {
        Waiter<C> w = waiters.pollFirst();
        if (w == null) {
            idle.addLast(e);
            return null;
        }
        inUse++;
        w.entry = e;
        w.state = Waiter.GRANTED;
        return w;
    }

    private static void unpark(Waiter<?> w) {
        if (w != null) {
            LockSupport.unpark(w.thread);
        }
    }

    /** Lets waiters open connections while there is room below max size; lock held. */
    private void grantRoomLocked() {
        while (!closed && total < settings.maxSize() && !waiters.isEmpty()) {
            Waiter<C> w = waiters.pollFirst();
            total++;
            pending++;
            w.mayOpen = true;
            w.state = Waiter.GRANTED;
            LockSupport.unpark(w.thread);
        }
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
            boolean open;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                evictLocked(toClose);
                grantRoomLocked();
                // one at a time: callers arriving meanwhile find room and open their own in parallel
                open = waiters.isEmpty() && idle.size() + pending < settings.minIdle() && total < settings.maxSize();
                if (open) {
                    total++;
                    pending++;
                }
            } finally {
                lock.unlock();
            }
            closeAll(toClose);
            if (open && openIdle()) {
                continue;
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
        Waiter<C> next = null;
        boolean kept;
        lock.lock();
        try {
            pending--;
            kept = !closed;
            if (kept) {
                next = giveBackLocked(e);
            } else {
                total--;
            }
        } finally {
            lock.unlock();
        }
        if (kept) {
            unpark(next);
            return true;
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
