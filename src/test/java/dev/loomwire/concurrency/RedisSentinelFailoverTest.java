package dev.loomwire.concurrency;

import dev.loomwire.redis.PubSubMessage;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisSubscription;
import dev.loomwire.testing.RedisSentinelSet;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failovers of the harness's TLS Sentinel set under load: {@code SENTINEL FAILOVER} with 1,000
 * virtual threads writing and reading their own keys, and SIGKILL of the primary followed by its
 * return as a replica. Every reply is checked against the caller's own key; every acknowledged
 * write started after the Sentinels announced the switch must be on the new primary.
 */
class RedisSentinelFailoverTest {
    private static final Logger log = LoggerFactory.getLogger(RedisSentinelFailoverTest.class);
    /** The target: writes land on the new primary within this long after the Sentinels announce it. */
    private static final Duration SWITCH_TARGET = Duration.ofSeconds(2);

    @Test
    void sentinelFailoverUnderAThousandVirtualThreadsSwitchesWritesToTheNewPrimaryWithoutWrongReplies() throws Exception {
        RedisSentinelSet set = TestServers.redisSentinel();
        set.awaitHealthy();
        RedisSentinelSet.Node old = set.primary();
        String prefix = "failover:" + System.nanoTime();
        try (RedisClient client = RedisClient.create(set.uri(""));
             Announcements switches = new Announcements(set)) {
            Load load = new Load(client, prefix, 1000);
            try {
                load.awaitWarm();
                RedisSentinelSet.Node next = set.failover();
                assertNotEquals(old, next);
                long announced = switches.first(Duration.ofSeconds(10));
                Thread.sleep(SWITCH_TARGET.toMillis() + 500);
                load.stop(Duration.ofSeconds(30));

                Set<String> onNewPrimary = keys(next, prefix);
                long lastLostStart = Long.MIN_VALUE;
                int lostAfterAnnouncement = 0;
                for (Load.Write w : load.acknowledged) {
                    if (w.startNanos() > announced && !onNewPrimary.contains(w.key())) {
                        lostAfterAnnouncement++;
                        lastLostStart = Math.max(lastLostStart, w.startNanos());
                    }
                }
                Duration switchTime = Duration.ofNanos(lastLostStart == Long.MIN_VALUE ? 0 : lastLostStart - announced);
                log.info("SENTINEL FAILOVER {} -> {}: {}; writes reached the new primary {} ms after the Sentinels announced it"
                        + " ({} acknowledged writes started after the announcement went to the old primary)", old, next,
                        load.summary(), switchTime.toMillis(), lostAfterAnnouncement);
                assertEquals(0, load.wrong.get(), "replies for another caller: " + load.wrongReplies);
                assertTrue(switchTime.compareTo(SWITCH_TARGET) < 0, "writes still went to the old primary " + switchTime.toMillis()
                        + " ms after +switch-master (target < " + SWITCH_TARGET.toMillis() + " ms); " + load.summary());
                assertTrue(load.ok.get() > 1000, load.summary());
                client.set(prefix + ":after", "new");
                assertEquals("new", next.command("GET", prefix + ":after"), "writes after the switch land on the new primary");
            } finally {
                load.stop(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void sigkillOfThePrimaryFailsOverAndTheOldPrimaryComesBackAsAReplica() throws Exception {
        RedisSentinelSet set = TestServers.redisSentinel();
        set.awaitHealthy();
        RedisSentinelSet.Node old = set.primary();
        String prefix = "sigkill:" + System.nanoTime();
        try (RedisClient client = RedisClient.create(set.uri(""));
             RedisClient reader = RedisClient.create(set.uri("readFrom=replica"))) {
            Load load = new Load(client, prefix, 100);
            try {
                load.awaitWarm();
                long killed = System.nanoTime();
                old.kill();
                RedisSentinelSet.Node next = awaitNewPrimary(set, old);
                long recovered = load.awaitSuccessAfter(System.nanoTime(), Duration.ofSeconds(20));
                log.info("SIGKILL of {}: {} is primary; callers succeed again {} ms after the kill; {}", old, next,
                        (recovered - killed) / 1_000_000, load.summary());

                old.restart();
                set.awaitHealthy();
                assertEquals("slave", ((List<?>) old.command("ROLE")).get(0), "the old primary came back as a replica");
                // on a loaded machine the Sentinels may fail over once more: the primary is whichever they agree on now
                RedisSentinelSet.Node primary = set.primary();
                client.set(prefix + ":back", "replicated");
                assertEquals("replicated", primary.command("GET", prefix + ":back"));
                primary.command("WAIT", "2", "5000");
                assertEquals("replicated", old.command("GET", prefix + ":back"));
                awaitTrue("the readFrom=replica client to list the returned node as a replica",
                        () -> reader.toString().contains(old.address()) && reader.toString().contains("primary " + primary.address()));
                assertEquals("replicated", reader.get(prefix + ":back"));
                load.stop(Duration.ofSeconds(30));
                assertEquals(0, load.wrong.get(), "replies for another caller: " + load.wrongReplies);
            } finally {
                load.stop(Duration.ofSeconds(30));
                set.reset();
            }
        }
    }

    private static RedisSentinelSet.Node awaitNewPrimary(RedisSentinelSet set, RedisSentinelSet.Node old) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                RedisSentinelSet.Node p = set.primary();
                if (p != old) {
                    return p;
                }
            } catch (RuntimeException notYet) {
                // the Sentinels are still electing
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no new primary 30 s after SIGKILL of " + old);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Every key under {@code prefix} on {@code node}, by SCAN on the harness's connection. */
    private static Set<String> keys(RedisSentinelSet.Node node, String prefix) {
        Set<String> keys = new HashSet<>();
        String cursor = "0";
        do {
            List<?> page = (List<?>) node.command("SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "10000");
            cursor = (String) page.get(0);
            for (Object k : (List<?>) page.get(1)) {
                keys.add((String) k);
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    /** The earliest {@code +switch-master} any Sentinel publishes, seen by the test's own subscriptions. */
    private static final class Announcements implements AutoCloseable {
        private final List<RedisConnection> connections = new ArrayList<>();
        private final AtomicLong first = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();

        Announcements(RedisSentinelSet set) {
            for (RedisSentinelSet.Node s : set.sentinels()) {
                RedisConnection c = RedisConnection.connect("rediss://localhost:" + s.tlsPort() + "?sslrootcert=" + TestCerts.file("ca.crt"));
                connections.add(c);
                RedisSubscription sub = c.subscribe("+switch-master");
                Thread.ofVirtual().start(() -> {
                    while (!closed.get()) {
                        Optional<PubSubMessage> m;
                        try {
                            m = sub.receive(Duration.ofMillis(200));
                        } catch (RuntimeException e) {
                            return;
                        }
                        if (m.isPresent()) {
                            first.compareAndSet(0, System.nanoTime());
                        }
                    }
                });
            }
        }

        long first(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (first.get() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no Sentinel announced +switch-master within " + timeout);
                }
                Thread.sleep(10);
            }
            return first.get();
        }

        @Override
        public void close() throws InterruptedException {
            closed.set(true);
            Thread.sleep(300);
            connections.forEach(RedisConnection::close);
        }
    }

    /**
     * Virtual threads that each SET a fresh key of their own and GET it back: a GET must return
     * this caller's value (or nothing, for a write a failover lost), never another caller's.
     */
    private static final class Load {
        record Write(String key, long startNanos) {}

        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> workers = new ArrayList<>();
        private final AtomicLong lastSuccess = new AtomicLong();
        final ConcurrentLinkedQueue<Write> acknowledged = new ConcurrentLinkedQueue<>();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong lostReads = new AtomicLong();
        final Map<String, Long> failures = new ConcurrentHashMap<>();
        final List<String> wrongReplies = new java.util.concurrent.CopyOnWriteArrayList<>();

        Load(RedisClient client, String prefix, int threads) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(Thread.ofVirtual().name("sentinel-load-" + t).start(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        String key = prefix + ":" + id + ":" + i;
                        String value = id + ":" + i;
                        long start = System.nanoTime();
                        try {
                            client.set(key, value);
                            acknowledged.add(new Write(key, start));
                            String got = client.get(key);
                            if (got == null) {
                                lostReads.incrementAndGet();
                            } else if (!got.equals(value)) {
                                wrong.incrementAndGet();
                                wrongReplies.add("GET " + key + " expected " + value + " got " + got);
                            }
                            ok.incrementAndGet();
                            lastSuccess.set(System.nanoTime());
                        } catch (RuntimeException e) {
                            String m = String.valueOf(e.getMessage()).replaceAll("\\d+", "N");
                            failures.merge(e.getClass().getSimpleName() + ": " + m.substring(0, Math.min(m.length(), 140)), 1L, Long::sum);
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
        }

        void awaitWarm() throws InterruptedException {
            awaitSuccessAfter(System.nanoTime(), Duration.ofSeconds(30));
            Thread.sleep(300);
        }

        /** Waits for a successful call that started after {@code since}; returns when it ended. */
        long awaitSuccessAfter(long since, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (lastSuccess.get() <= since) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no call succeeded within " + limit + "; " + summary());
                }
                Thread.sleep(10);
            }
            return lastSuccess.get();
        }

        String summary() {
            return ok + " SET+GET ok, " + wrong + " wrong, " + lostReads + " writes not found by their GET, failures " + failures;
        }

        void stop(Duration bound) throws InterruptedException {
            stop.set(true);
            ClusterLoad.joinAll(workers, bound);
        }
    }
}
