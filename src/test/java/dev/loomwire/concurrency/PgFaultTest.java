package dev.loomwire.concurrency;

import dev.loomwire.pg.PgConnectionException;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PostgreSQL 18 over verify-full TLS through {@link FaultProxy}: a backend killed mid-query, a
 * reset in the middle of a TLS record, a stalled handshake, a peer that stops answering (command
 * timeout, cancel, close), and connection cuts while 1,000 virtual threads are busy.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PgFaultTest {
    private static final PgServer SERVER = TestServers.pg18();
    private static final String TABLE = "fault_test_" + UUID.randomUUID().toString().replace("-", "");
    private FaultProxy proxy;

    @BeforeAll
    static void createTable() {
        try (PgPool pool = direct()) {
            PgWorkload.createTable(pool, TABLE);
        }
    }

    @AfterAll
    static void dropTable() {
        try (PgPool pool = direct()) {
            pool.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    private static PgPool direct() {
        return PgPool.create(PgWorkload.config(SERVER, SERVER.port(), ""), PoolSettings.builder().maxSize(2).build(), Duration.ZERO);
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = new FaultProxy(SERVER.host(), SERVER.port());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private PgPool viaProxy(PoolSettings.Builder settings, Duration commandTimeout, String extra) {
        return PgPool.create(PgWorkload.config(SERVER, proxy.port(), extra), settings.build(), commandTimeout);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void backendKilledInTheMiddleOfAQuery() throws Exception {
        try (PgPool pool = viaProxy(PoolSettings.builder().maxSize(1), Duration.ZERO, ""); PgPool admin = direct()) {
            int pid = pool.query("SELECT pg_backend_pid()").single().getInt(0);
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                admin.query("SELECT pg_terminate_backend($1)", pid);
            });
            long t0 = System.nanoTime();
            PgException e = assertThrows(PgException.class, () -> pool.query("SELECT pg_sleep(20)"));
            killer.join();
            assertTrue(millisSince(t0) < 5_000, "took " + millisSince(t0) + " ms");
            assertTrue(e.getMessage().contains("terminating connection due to administrator command")
                    || e.getMessage().contains("connection to the server was lost"), e.getMessage());
            assertEquals(0, pool.stats().total(), "the dead connection was discarded");
            assertNotEquals(pid, pool.query("SELECT pg_backend_pid()").single().getInt(0), "healed with a new backend");
        }
    }

    @Test
    void connectionCutInTheMiddleOfAQuery() throws Exception {
        try (PgPool pool = viaProxy(PoolSettings.builder().maxSize(1), Duration.ZERO, "")) {
            pool.query("SELECT 1");
            Thread cutter = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                proxy.cutAll();
            });
            long t0 = System.nanoTime();
            PgConnectionException e = assertThrows(PgConnectionException.class, () -> pool.query("SELECT pg_sleep(20)"));
            cutter.join();
            assertTrue(millisSince(t0) < 5_000, "took " + millisSince(t0) + " ms");
            assertTrue(e.getMessage().startsWith("connection to the server was lost"), e.getMessage());
            assertEquals(0, pool.stats().total());
            assertEquals(1, pool.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void connectionResetInTheMiddleOfATlsRecord() {
        try (PgPool pool = viaProxy(PoolSettings.builder().maxSize(1), Duration.ZERO, "")) {
            pool.query("SELECT 1");
            proxy.resetAfterServerBytes(3_000); // a 200 kB row comes in 16 kB TLS records: this cuts the first one
            long t0 = System.nanoTime();
            PgConnectionException e = assertThrows(PgConnectionException.class, () -> pool.query("SELECT repeat('x', 200000)"));
            assertTrue(millisSince(t0) < 5_000, "took " + millisSince(t0) + " ms");
            assertTrue(e.getMessage().startsWith("connection to the server was lost"), e.getMessage());
            assertEquals(0, pool.stats().total());
            proxy.forward();
            assertEquals(200_000, pool.query("SELECT repeat('x', 200000)").single().getString(0).length());
        }
    }

    @Test
    void stalledTlsHandshakeEndsAtTheConnectTimeout() {
        proxy.stallNewConnections();
        try (PgPool pool = viaProxy(PoolSettings.builder(), Duration.ZERO, "connect_timeout=2")) {
            long t0 = System.nanoTime();
            PgConnectionException e = assertThrows(PgConnectionException.class, () -> pool.query("SELECT 1"));
            long ms = millisSince(t0);
            assertTrue(ms >= 1_900 && ms < 5_000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("connect_timeout"), e.getMessage());
            assertEquals(new PoolStats(0, 0, 0, 0, 0), pool.stats());
            proxy.forward();
            assertEquals(1, pool.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void peerThatStopsAnsweringIsCancelledThenClosedByTheCommandTimeout() {
        try (PgPool pool = viaProxy(PoolSettings.builder().maxSize(1), Duration.ofMillis(500), "connect_timeout=2")) {
            pool.query("SELECT 1");
            proxy.dropAfterServerBytes(0);
            long t0 = System.nanoTime();
            PgConnectionException e = assertThrows(PgConnectionException.class, () -> pool.query("SELECT 1"));
            long ms = millisSince(t0);
            assertTrue(ms >= 900 && ms < 5_000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("after it was cancelled at the command_timeout"), e.getMessage());
            assertEquals(0, pool.stats().total());
            proxy.forward();
            assertEquals(1, pool.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void connectionCutsWhileThousandVirtualThreadsAreBusy() throws Exception {
        Map<String, String> confirmed = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger connectionFailures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        String prefix = UUID.randomUUID().toString();
        try (PgPool pool = viaProxy(PoolSettings.builder().maxSize(20).acquireTimeout(Duration.ofSeconds(60)), Duration.ofSeconds(20), "")) {
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String me = prefix + ":" + i;
                all.add(Thread.ofVirtual().start(() -> {
                    for (int round = 0; !stop.get() && round < 20; round++) {
                        String id = me + ":" + round;
                        try {
                            pool.execute("INSERT INTO " + TABLE + " (id, value) VALUES ($1, $2)", id, "v-" + id);
                            confirmed.put(id, "v-" + id);
                            String got = pool.query("SELECT value FROM " + TABLE + " WHERE id = $1", id).single().getString(0);
                            if (!got.equals("v-" + id)) {
                                mismatches.add(id + ": got " + got);
                            }
                            String echoed = pool.query("SELECT $1::text", id).single().getString(0);
                            if (!echoed.equals(id)) {
                                mismatches.add(id + ": echo answered " + echoed);
                            }
                        } catch (PgConnectionException e) {
                            connectionFailures.incrementAndGet();
                        } catch (Throwable t) {
                            unexpected.add(t);
                        }
                    }
                }));
            }
            for (int cut = 0; cut < 3; cut++) {
                Thread.sleep(400);
                proxy.cutAll();
            }
            stop.set(true);
            for (Thread t : all) {
                t.join(60_000);
                assertFalse(t.isAlive(), "a caller hung");
            }
            assertEquals(List.of(), List.copyOf(mismatches), "results crossed between callers");
            assertEquals(List.of(), List.copyOf(unexpected));
            assertTrue(connectionFailures.get() > 0, "the cuts should have hit someone");
            PgWorkload.Result after = PgWorkload.run(pool, TABLE, 200, prefix + ":after");
            assertTrue(after.mismatches().isEmpty() && after.failures().isEmpty(), after.summary());
            PoolStats s = pool.stats();
            assertEquals(s.total(), s.idle(), "back to idle: " + s);
        }
        try (PgPool check = direct()) {
            long present = check.query("SELECT count(*) FROM " + TABLE + " WHERE id = ANY($1::text[]) AND value = 'v-' || id",
                    (Object) confirmed.keySet().toArray(String[]::new)).single().getLong(0);
            assertEquals(confirmed.size(), present, "confirmed inserts lost");
        }
    }
}
