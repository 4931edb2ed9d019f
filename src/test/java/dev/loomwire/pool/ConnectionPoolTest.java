package dev.loomwire.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** The generic pool against a fake connection type: fairness, timeouts, discards, eviction, close, scale. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionPoolTest {
    private final FakeConnection.Factory factory = new FakeConnection.Factory();

    private ConnectionPool<FakeConnection> pool(PoolSettings.Builder b) {
        return new ConnectionPool<>(factory, b.name("test").build());
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    @Test
    void reusesAnIdleConnection() {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder())) {
            int first = pool.withConnection(c -> c.id);
            int second = pool.withConnection(c -> c.id);
            assertEquals(first, second);
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1))) {
            PooledConnection<FakeConnection> held = pool.acquire();
            List<Integer> served = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> pool.withConnection(c -> served.add(n))));
                eventually("waiter " + n + " queued", () -> pool.stats().waiting() == n + 1);
            }
            held.close();
            for (Thread t : threads) {
                t.join();
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertEquals(expected, served);
            assertEquals(1, factory.opened.get(), "one connection served everyone");
        }
    }

    @Test
    void aNewcomerDoesNotBargePastWaiters() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1).acquireTimeout(Duration.ofMillis(100)))) {
            PooledConnection<FakeConnection> held = pool.acquire();
            CountDownLatch waiterServed = new CountDownLatch(1);
            CountDownLatch waiterMayReturn = new CountDownLatch(1);
            Thread waiter = Thread.ofVirtual().start(() -> pool.withConnection(c -> {
                waiterServed.countDown();
                try {
                    return waiterMayReturn.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            eventually("waiter queued", () -> pool.stats().waiting() == 1);
            held.close();
            assertThrows(PoolTimeoutException.class, pool::acquire, "the returned connection belongs to the waiter");
            assertTrue(waiterServed.await(5, TimeUnit.SECONDS));
            waiterMayReturn.countDown();
            waiter.join();
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void acquireTimeoutSaysWhatWasBusy() {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(2).acquireTimeout(Duration.ofMillis(200)))) {
            PooledConnection<FakeConnection> a = pool.acquire();
            PooledConnection<FakeConnection> b = pool.acquire();
            long t0 = System.nanoTime();
            PoolTimeoutException e = assertThrows(PoolTimeoutException.class, pool::acquire);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 190 && ms < 2000, "waited " + ms + " ms");
            assertEquals("timed out after 200 ms (acquire_timeout) waiting for a connection from pool test:"
                    + " all 2 of max_size=2 are busy (2 in use, 0 opening), 0 other callers waiting", e.getMessage());
            assertEquals(0, pool.stats().waiting(), "the timed-out caller left the queue");
            a.close();
            b.close();
            assertEquals(2, pool.stats().idle());
        }
    }

    @Test
    void everyQueuedCallerTimesOutOnItsOwnDeadline() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1).acquireTimeout(Duration.ofMillis(300)))) {
            PooledConnection<FakeConnection> held = pool.acquire();
            List<Throwable> outcomes = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                callers.add(Thread.ofVirtual().start(() -> {
                    try {
                        pool.acquire().close();
                        outcomes.add(new AssertionError("served although the only connection was held"));
                    } catch (Throwable t) {
                        outcomes.add(t);
                    }
                }));
                int queued = i + 1;
                eventually("caller " + queued + " queued", () -> pool.stats().waiting() + outcomes.size() == queued);
                Thread.sleep(50); // different deadlines: the pool's one timeout watch must catch each
            }
            for (Thread t : callers) {
                t.join();
            }
            assertEquals(3, outcomes.size());
            for (Throwable t : outcomes) {
                assertInstanceOf(PoolTimeoutException.class, t);
            }
            assertEquals(0, pool.stats().waiting(), "timed-out callers left the queue");
            held.close();
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
            assertEquals(1, (int) pool.withConnection(c -> c.id), "the held connection is lent again");
        }
    }

    @Test
    void callersDoNotWaitForTheHousekeepersMinIdleFill() throws Exception {
        CountDownLatch housekeeperMayFinish = new CountDownLatch(1);
        FakeConnection.Factory slowFirst = new FakeConnection.Factory() {
            private final AtomicInteger calls = new AtomicInteger();

            @Override
            public FakeConnection open() {
                if (calls.incrementAndGet() == 1) { // the housekeeper's first min_idle connection hangs
                    try {
                        housekeeperMayFinish.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return super.open();
            }
        };
        try (ConnectionPool<FakeConnection> pool = new ConnectionPool<>(slowFirst,
                PoolSettings.builder().name("test").maxSize(3).minIdle(3).acquireTimeout(Duration.ofSeconds(5)).build())) {
            eventually("housekeeper opening", () -> pool.stats().pending() == 1);
            assertEquals(1, pool.stats().total(), "the housekeeper reserves one connection at a time");
            try (PooledConnection<FakeConnection> lease = pool.acquire()) {
                assertEquals(1, lease.get().id, "the caller opened its own instead of waiting behind the fill");
            }
            housekeeperMayFinish.countDown();
            eventually("min_idle reached", () -> pool.stats().idle() == 3);
            assertEquals(new PoolStats(3, 3, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void brokenConnectionsAreDiscardedNeverLent() {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1))) {
            FakeConnection first = pool.withConnection(c -> {
                c.broken.set(true);
                return c;
            });
            assertTrue(first.closed.get());
            assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
            assertNotEquals(first.id, (int) pool.withConnection(c -> c.id));

            RuntimeException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> pool.withConnection(c -> {
                c.broken.set(true);
                throw boom;
            })));
            assertEquals(0, pool.stats().total());

            PooledConnection<FakeConnection> lease = pool.acquire();
            FakeConnection discarded = lease.get();
            lease.discard();
            assertTrue(discarded.closed.get());
            assertEquals(0, pool.stats().total());
        }
    }

    @Test
    void aConnectionBrokenWhileIdleIsNotLent() {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder())) {
            FakeConnection c1 = pool.withConnection(c -> c);
            c1.broken.set(true);
            FakeConnection c2 = pool.withConnection(c -> c);
            assertNotSame(c1, c2);
            assertTrue(c1.closed.get());
        }
    }

    @Test
    void leaseCannotBeUsedAfterItWasGivenBack() {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder())) {
            PooledConnection<FakeConnection> lease = pool.acquire();
            lease.close();
            lease.close();
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats(), "double close counted once");
            assertThrows(IllegalStateException.class, lease::get);
        }
    }

    @Test
    void connectionsOlderThanMaxLifetimeAreReplaced() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxLifetime(Duration.ofMillis(100)))) {
            FakeConnection old = pool.withConnection(c -> c);
            Thread.sleep(150);
            FakeConnection fresh = pool.withConnection(c -> c);
            assertNotSame(old, fresh);
            assertTrue(old.closed.get());
            PooledConnection<FakeConnection> lease = pool.acquire();
            FakeConnection lent = lease.get();
            Thread.sleep(150);
            lease.close();
            assertTrue(lent.closed.get(), "expired while lent: closed on return");
            assertEquals(0, pool.stats().total());
        }
    }

    @Test
    void idleConnectionsAboveMinIdleAreClosedAfterIdleTimeout() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().minIdle(1).idleTimeout(Duration.ofMillis(100))
                .housekeepingInterval(Duration.ofMillis(20)))) {
            eventually("min idle opened", () -> pool.stats().idle() == 1);
            PooledConnection<FakeConnection> a = pool.acquire();
            PooledConnection<FakeConnection> b = pool.acquire();
            PooledConnection<FakeConnection> c = pool.acquire();
            a.close();
            b.close();
            c.close();
            assertEquals(3, pool.stats().idle());
            eventually("idle evicted down to min_idle", () -> pool.stats().idle() == 1);
            // the housekeeper closes what it evicted after releasing the pool lock
            eventually("the 2 evicted connections closed", () -> factory.closedCount.get() == 2);
            assertEquals(2, factory.closedCount.get());
        }
    }

    @Test
    void housekeeperKeepsMinIdleOpen() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().minIdle(3).housekeepingInterval(Duration.ofMillis(20)))) {
            eventually("3 idle", () -> pool.stats().idle() == 3);
            pool.withConnection(c -> {
                c.broken.set(true);
                return null;
            });
            eventually("topped up to 3 idle", () -> pool.stats().idle() == 3);
            assertEquals(4, factory.opened.get());
        }
    }

    @Test
    void connectionsIdleLongerThanTheThresholdAreValidatedOnBorrow() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().validateAfterIdle(Duration.ofMillis(50)))) {
            FakeConnection c1 = pool.withConnection(c -> c);
            assertEquals(c1, pool.withConnection(c -> c));
            assertEquals(0, factory.validations.get(), "not validated when just used");
            Thread.sleep(80);
            assertEquals(c1, pool.withConnection(c -> c));
            assertEquals(1, factory.validations.get());
            c1.failsValidation.set(true);
            Thread.sleep(80);
            FakeConnection c2 = pool.withConnection(c -> c);
            assertNotSame(c1, c2);
            assertTrue(c1.closed.get(), "failed validation: discarded");
        }
    }

    @Test
    void openFailurePassesThroughAndFreesTheRoom() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1))) {
            factory.openFailure = new IllegalStateException("server down");
            assertEquals("server down", assertThrows(IllegalStateException.class, pool::acquire).getMessage());
            assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
            factory.openFailure = null;
            assertNotNull(pool.withConnection(c -> c));
        }
    }

    @Test
    void roomFreedByADiscardIsHandedToTheFirstWaiter() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1))) {
            PooledConnection<FakeConnection> held = pool.acquire();
            AtomicReference<FakeConnection> got = new AtomicReference<>();
            Thread waiter = Thread.ofVirtual().start(() -> got.set(pool.withConnection(c -> c)));
            eventually("queued", () -> pool.stats().waiting() == 1);
            held.discard();
            waiter.join(5000);
            assertEquals(2, got.get().id, "the waiter opened a fresh connection");
        }
    }

    @Test
    void closeFailsWaitersAndClosesIdleNowAndLentOnReturn() throws Exception {
        ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(2));
        FakeConnection idle = pool.withConnection(c -> c);
        PooledConnection<FakeConnection> lent = pool.acquire();
        PooledConnection<FakeConnection> lent2 = pool.acquire();
        assertSame(idle, lent.get());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                try {
                    pool.acquire().close();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        eventually("20 waiting", () -> pool.stats().waiting() == 20);
        pool.close();
        for (Thread t : waiters) {
            t.join(5000);
        }
        assertEquals(20, failures.size());
        for (Throwable t : failures) {
            assertInstanceOf(PoolClosedException.class, t);
            assertEquals("pool test is closed", t.getMessage());
        }
        assertFalse(idle.closed.get(), "still lent");
        lent.close();
        lent2.close();
        assertTrue(idle.closed.get());
        assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
        assertEquals("pool test is closed", assertThrows(PoolClosedException.class, pool::acquire).getMessage());
        pool.close();
    }

    @Test
    void interruptedWaiterLeavesTheQueue() throws Exception {
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(1))) {
            PooledConnection<FakeConnection> held = pool.acquire();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    pool.acquire();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            eventually("queued", () -> pool.stats().waiting() == 1);
            waiter.interrupt();
            waiter.join(5000);
            assertInstanceOf(PoolException.class, thrown.get());
            assertTrue(thrown.get().getMessage().contains("interrupted"));
            assertEquals(0, pool.stats().waiting());
            held.close();
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void tenThousandVirtualThreadsWaitWithoutSpinningAndAllGetServed() throws Exception {
        int threads = 10_000;
        int max = 4;
        try (ConnectionPool<FakeConnection> pool = pool(PoolSettings.builder().maxSize(max).acquireTimeout(Duration.ofSeconds(30)))) {
            List<PooledConnection<FakeConnection>> held = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                held.add(pool.acquire());
            }
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> all = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                all.add(Thread.ofVirtual().start(() -> {
                    try {
                        pool.withConnection(c -> {
                            peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                            concurrent.decrementAndGet();
                            return served.incrementAndGet();
                        });
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            eventually("all 10,000 parked", () -> pool.stats().waiting() == threads);
            long cpu0 = cpuNanos();
            Thread.sleep(500);
            long parkedCpuMs = (cpuNanos() - cpu0) / 1_000_000;
            long spinning = Runtime.getRuntime().availableProcessors() * 500L; // what busy waiters would burn
            assertTrue(parkedCpuMs < spinning * 0.7, "10,000 parked waiters burned " + parkedCpuMs + " ms CPU in 500 ms: spinning?");
            held.forEach(PooledConnection::close);
            for (Thread t : all) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(threads, served.get());
            assertTrue(peak.get() <= max, "peak " + peak.get());
            assertEquals(new PoolStats(max, max, 0, 0, 0), pool.stats());
            assertEquals(max, factory.opened.get());
        }
    }

    @Test
    void randomAbuseNeverLeaksOrExceedsMaxSize() throws Exception {
        int max = 8;
        FakeConnection.Factory flaky = new FakeConnection.Factory() {
            private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public FakeConnection open() {
                if (calls.incrementAndGet() % 7 == 0) {
                    throw new IllegalStateException("open failed");
                }
                return super.open();
            }

            @Override
            public boolean validate(FakeConnection c) {
                return calls.get() % 5 != 0 && super.validate(c);
            }
        };
        ConnectionPool<FakeConnection> pool = new ConnectionPool<>(flaky, PoolSettings.builder().name("abuse").maxSize(max).minIdle(2)
                .maxLifetime(Duration.ofMillis(50)).idleTimeout(Duration.ofMillis(20)).validateAfterIdle(Duration.ofMillis(5))
                .acquireTimeout(Duration.ofMillis(200)).housekeepingInterval(Duration.ofMillis(10)).build());
        AtomicInteger leased = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            long seed = i;
            threads.add(Thread.ofVirtual().start(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int k = 0; k < 5; k++) {
                    try {
                        PooledConnection<FakeConnection> lease = pool.acquire();
                        peak.accumulateAndGet(leased.incrementAndGet(), Math::max);
                        FakeConnection c = lease.get();
                        assertFalse(c.closed.get(), "lent a closed connection");
                        assertFalse(c.broken.get(), "lent a broken connection");
                        Thread.sleep(random.nextInt(3));
                        leased.decrementAndGet();
                        switch (random.nextInt(4)) {
                            case 0 -> { c.broken.set(true); lease.close(); }
                            case 1 -> lease.discard();
                            default -> lease.close();
                        }
                    } catch (PoolTimeoutException | IllegalStateException expected) {
                        // busy pool or a failed open: both are allowed outcomes
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(List.of(), unexpected);
        assertTrue(peak.get() <= max, "peak " + peak.get());
        eventually("quiet: nothing lent, opening or waiting", () -> {
            PoolStats q = pool.stats();
            return q.inUse() == 0 && q.pending() == 0 && q.waiting() == 0 && q.total() == q.idle();
        });
        assertTrue(pool.stats().total() <= max, pool.stats().toString());
        pool.close();
        eventually("every connection ever opened is closed (none leaked)", () -> flaky.opened.get() == flaky.closedCount.get());
        assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Test
    void settingsNameTheBadParameter() {
        assertEquals("max_size must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> PoolSettings.builder().maxSize(0)).getMessage());
        assertEquals("acquire_timeout must be positive",
                assertThrows(IllegalArgumentException.class, () -> PoolSettings.builder().acquireTimeout(Duration.ZERO)).getMessage());
        assertEquals("min_idle (5) must not exceed max_size (2)",
                assertThrows(IllegalArgumentException.class, () -> PoolSettings.builder().maxSize(2).minIdle(5).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PoolSettings.builder().idleTimeout(Duration.ofSeconds(-1)))
                .getMessage().startsWith("idle_timeout must be zero or positive"));
    }
}
