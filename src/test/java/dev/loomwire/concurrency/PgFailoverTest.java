package dev.loomwire.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pool.PoolException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.testing.PgPair;
import dev.loomwire.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PgPool} through a failover on a real PostgreSQL 18 primary + streaming standby: the
 * primary stops (or freezes) and the standby is promoted while 200 virtual threads keep querying.
 */
// generous: the first test may wait for the test servers to start on a busy machine; the faults themselves take seconds
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PgFailoverTest {
    private static final int CALLERS = 200;
    /** Fresh pairs for the two destructive tests, made in parallel. */
    private static CompletableFuture<PgPair> forStop;
    private static CompletableFuture<PgPair> forFreeze;

    @BeforeAll
    static void makePairs() {
        forStop = CompletableFuture.supplyAsync(() -> TestServers.newPgPair(18), r -> Thread.ofVirtual().start(r));
        forFreeze = CompletableFuture.supplyAsync(() -> TestServers.newPgPair(18), r -> Thread.ofVirtual().start(r));
    }

    @AfterAll
    static void closePairs() {
        for (CompletableFuture<PgPair> f : List.of(forStop, forFreeze)) {
            f.thenAccept(PgPair::close);
        }
    }

    private static PgPair pair(CompletableFuture<PgPair> f) throws Exception {
        return f.get(3, TimeUnit.MINUTES);
    }

    private static PgConfig readWrite(PgPair pair, String extra) {
        return PgWorkload.config(pair.primary(), pair.primary().port(), "host=localhost,localhost port="
                + pair.primary().port() + "," + pair.standby().port() + " target_session_attrs=read-write " + extra);
    }

    /** What the callers saw: wrong answers, and for each caller the longest time from a failure to its next success. */
    private static final class Callers {
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final AtomicLong longestOutageNanos = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final long[] lastSuccess = new long[CALLERS];
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        void start(PgPool pool) {
            for (int i = 0; i < CALLERS; i++) {
                int me = i;
                threads.add(Thread.ofVirtual().name("caller-" + i).start(() -> loop(pool, me)));
            }
        }

        private void loop(PgPool pool, int me) {
            long failingSince = 0;
            while (!stop.get()) {
                int v = ThreadLocalRandom.current().nextInt();
                try {
                    PgRow r = pool.query("SELECT $1::int, pg_is_in_recovery(), current_setting('transaction_read_only')", v)
                            .single();
                    if (r.getInt(0) != v) {
                        wrong.add("caller " + me + " sent " + v + ", got " + r.getInt(0));
                    }
                    if (!r.getString(1).equals("f") || !r.getString(2).equals("off")) {
                        wrong.add("caller " + me + " was served by a read-only server (read-write pool)");
                    }
                    long now = System.nanoTime();
                    if (failingSince != 0) {
                        longestOutageNanos.accumulateAndGet(now - failingSince, Math::max);
                        failingSince = 0;
                    }
                    lastSuccess[me] = now;
                } catch (PgException | PoolException e) {
                    failures.incrementAndGet();
                    if (failingSince == 0) {
                        failingSince = System.nanoTime();
                    }
                    sleep(20);
                }
            }
        }

        /** Waits until every caller succeeded after {@code since}; returns how long that took. */
        Duration awaitAllServedAfter(long since, Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (long t : lastSuccess) {
                    all &= t > since;
                }
                if (all) {
                    return Duration.ofNanos(System.nanoTime() - since);
                }
                sleep(20);
            }
            int missing = 0;
            for (long t : lastSuccess) {
                missing += t > since ? 0 : 1;
            }
            throw new AssertionError(missing + " of " + CALLERS + " callers were not served within " + limit
                    + " after the failover");
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(30)), "a caller hangs: " + t.getName());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs 200 callers through {@code pool}, applies {@code fault} (which ends with the standby
     * promoted), and returns how long after the fault every caller had been served again; prints
     * the numbers and checks that no caller got a wrong result.
     */
    private static Duration throughFault(PgPool pool, String name, Runnable fault) throws InterruptedException {
        Callers callers = new Callers();
        callers.start(pool);
        callers.awaitAllServedAfter(0, Duration.ofSeconds(30));
        long start = System.nanoTime();
        fault.run();
        long promoted = System.nanoTime();
        Duration allServed = callers.awaitAllServedAfter(promoted, Duration.ofSeconds(30));
        callers.stop();
        System.out.printf("%s: every caller served again %d ms after the promotion, %d ms after the fault began;"
                        + " longest outage of one caller %d ms; %d failed calls%n", name, allServed.toMillis(),
                (System.nanoTime() - start) / 1_000_000, callers.longestOutageNanos.get() / 1_000_000,
                callers.failures.get());
        assertEquals(List.of(), List.copyOf(callers.wrong));
        return allServed;
    }

    @Test
    void primaryStoppedAndStandbyPromotedUnder200VirtualThreads() throws Exception {
        PgPair pair = pair(forStop);
        try (PgPool pool = PgPool.create(readWrite(pair, "connect_timeout=2"),
                     PoolSettings.builder().maxSize(20).acquireTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(5))) {
            Duration allServed = throughFault(pool, "failover (stop + promote)", () -> {
                pair.stopPrimary();
                pair.promoteStandby();
            });
            assertTrue(allServed.compareTo(Duration.ofSeconds(15)) < 0, "every caller served again within 15 s: " + allServed);
            assertEquals(pair.standby().port(), (int) pool.<Integer>withConnection(c -> c.host().port()),
                    "new connections reach the new primary");
        }
    }

    @Test
    void frozenPrimaryIsGivenUpWithinTheCommandAndConnectTimeouts() throws Exception {
        PgPair pair = pair(forFreeze);
        try (PgPool pool = PgPool.create(readWrite(pair, "connect_timeout=2 keepalives_idle=1 keepalives_interval=1"
                             + " keepalives_count=2 tcp_user_timeout=2000"),
                     PoolSettings.builder().maxSize(20).acquireTimeout(Duration.ofSeconds(10)).build(), Duration.ofSeconds(2))) {
            Duration allServed = throughFault(pool, "frozen primary (SIGSTOP) + promote", () -> {
                pair.freezePrimary();
                pair.promoteStandby();
            });
            assertTrue(allServed.compareTo(Duration.ofSeconds(20)) < 0, "no caller hangs: all served within 20 s: " + allServed);
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                ports.add(pool.withConnection(c -> c.host().port()));
            }
            assertEquals(Set.of(pair.standby().port()), ports, "the pool moved to the promoted standby");
        }
    }

    @Test
    void aPooledConnectionWhoseServerTurnedReadOnlyIsRetired() {
        PgPair pair = TestServers.pgPair(18); // shared: made writable again below
        try (PgPool pool = PgPool.create(readWrite(pair, ""), PoolSettings.builder().maxSize(2).build(), Duration.ZERO)) {
            assertEquals(pair.primary().port(), (int) pool.<Integer>withConnection(c -> c.host().port()));
            pair.primary().psql("postgres", "ALTER SYSTEM SET default_transaction_read_only = on; SELECT pg_reload_conf()");
            // the server reports the change (ParameterStatus) with the next reply on that session
            Exception e = null;
            for (int i = 0; i < 50 && e == null; i++) {
                try {
                    pool.query("SELECT 1");
                    sleep(50);
                } catch (PgException ex) {
                    e = ex;
                }
            }
            assertTrue(e instanceof dev.loomwire.pg.PgNoSuitableHostException, String.valueOf(e));
            assertTrue(e.getMessage().contains("session is read-only"), e.getMessage());
            assertEquals(0, pool.stats().total(), "the read-only connection was retired, not handed out again");
        } finally {
            pair.primary().psql("postgres", "ALTER SYSTEM RESET default_transaction_read_only; SELECT pg_reload_conf()");
        }
    }

    @Test
    void preferStandbyPoolSpreadsReadsOverStandbys() {
        PgPair pair = TestServers.pgPair(18);
        // the standby listed under two names counts as two standbys; the primary comes first
        String hosts = "host=localhost,localhost,127.0.0.1 port=" + pair.primary().port() + "," + pair.standby().port()
                + "," + pair.standby().port() + " target_session_attrs=prefer-standby";
        try (PgPool pool = PgPool.create(PgWorkload.config(pair.primary(), pair.primary().port(), hosts),
                PoolSettings.builder().maxSize(4).build(), Duration.ZERO)) {
            Set<String> used = new HashSet<>();
            List<Thread> readers = new ArrayList<>();
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 4; i++) {
                readers.add(Thread.ofVirtual().start(() -> pool.withConnection(c -> {
                    seen.add(c.host().host().orElseThrow() + ":" + c.host().port() + " recovery="
                            + c.query("SELECT pg_is_in_recovery()").single().getString(0));
                    sleep(300);
                    return null;
                })));
            }
            readers.forEach(t -> {
                try {
                    t.join();
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            });
            used.addAll(seen);
            assertEquals(Set.of("localhost:" + pair.standby().port() + " recovery=t",
                    "127.0.0.1:" + pair.standby().port() + " recovery=t"), used);
        }
    }
}
