package dev.loomwire.concurrency;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.redis.RedisServerException;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RedisClient#create} (multiplexed by default): many callers over one TLS connection, replies matched in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisMultiplexedClientTest {
    private static final Logger log = LoggerFactory.getLogger(RedisMultiplexedClientTest.class);
    private static final RedisServer SERVER = TestServers.redis();
    private final String prefix = "mux-test:" + UUID.randomUUID();

    private static RedisClient multiplexed(RedisConfig config) {
        return RedisClient.create(config, PoolSettings.builder().maxSize(8).acquireTimeout(Duration.ofSeconds(30)).build());
    }

    private static RedisConfig config() {
        return RedisConfig.fromUri(RedisWorkload.tlsUri(SERVER));
    }

    @Test
    void thousandVirtualThreadsShareOneConnectionAndGetOnlyTheirOwnReplies() throws Exception {
        try (RedisClient client = multiplexed(config())) {
            assertTrue(client.isMultiplexed());
            RedisWorkload.Result r = RedisWorkload.run(client, 1000, prefix);
            assertTrue(r.mismatches().isEmpty() && r.failures().isEmpty(), r.summary());
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                threads.add(Thread.ofVirtual().start(() -> ids.add(client.command("CLIENT", "ID").asLong())));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, ids.size(), "every everyday command went over the one shared connection");
            PoolStats s = client.stats();
            assertEquals(s.total(), s.idle(), "pooled connections (pipelines, transactions) back to idle: " + s);
        }
    }

    @Test
    void errorRepliesGoToTheirCallerOnly() {
        try (RedisClient client = multiplexed(config())) {
            client.set(prefix, "not a number");
            assertThrows(RedisServerException.class, () -> client.incr(prefix));
            assertEquals("not a number", client.get(prefix));
            client.del(prefix);
        }
    }

    @Test
    void killedSharedConnectionFailsItsCallersAndIsReplaced() throws Exception {
        try (RedisClient client = multiplexed(config())) {
            long id = client.command("CLIENT", "ID").asLong();
            try (RedisConnection admin = RedisConnection.connect(RedisWorkload.tlsUri(SERVER))) {
                admin.command("CLIENT", "KILL", "ID", Long.toString(id));
            }
            Thread.sleep(100); // the reader sees the close
            long newId = client.command("CLIENT", "ID").asLong();
            assertNotEquals(id, newId);
        }
    }

    @Test
    void silentServerFailsEveryWaitingCallerAtTheReadTimeout() throws Exception {
        try (FaultProxy proxy = new FaultProxy(SERVER.host(), SERVER.tlsPort());
             RedisClient client = multiplexed(config().toBuilder().port(proxy.port()).timeout(Duration.ofMillis(500)).build())) {
            assertEquals("PONG", client.ping());
            proxy.dropAfterServerBytes(0);
            long t0 = System.nanoTime();
            ConcurrentLinkedQueue<Throwable> thrown = pingFromThreads(client, 50, 5_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(50, thrown.size());
            assertTrue(ms < 3_000, "took " + ms + " ms");
            for (Throwable t : thrown) {
                assertInstanceOf(RedisConnectionException.class, t);
            }
            assertTrue(thrown.stream().anyMatch(t -> t.getMessage().startsWith("timed out after 500 ms waiting")), thrown.peek().getMessage());
            proxy.forward();
            assertEquals("PONG", client.ping(), "a new shared connection");
        }
    }

    @Test
    void aBurstOfCallersDuringAnOutageSharesOneConnectAttempt() throws Exception {
        try (FaultProxy proxy = new FaultProxy(SERVER.host(), SERVER.tlsPort()).stallNewConnections();
             RedisClient client = multiplexed(config().toBuilder().port(proxy.port()).connectTimeout(Duration.ofMillis(700)).build())) {
            long t0 = System.nanoTime();
            ConcurrentLinkedQueue<Throwable> thrown = pingFromThreads(client, 200, 10_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, thrown.size());
            assertTrue(ms < 3_000, "200 callers failed after " + ms + " ms: one connect_timeout, not 200 in a row");
            assertTrue(proxy.accepted() < 10, proxy.accepted() + " connect attempts");
            thrown.forEach(t -> assertInstanceOf(RedisConnectionException.class, t));
            proxy.forward();
            assertEquals("PONG", client.ping());
        }
    }

    @Test
    void commandsThatNeedTheirOwnConnectionAreRefused() {
        try (RedisClient client = multiplexed(config())) {
            for (String[] c : new String[][] {{"BLPOP", "k", "0"}, {"subscribe", "ch"}, {"MULTI"}, {"SELECT", "1"},
                    {"CLIENT", "TRACKING", "on"}, {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.command(c));
                assertTrue(e.getMessage().contains("run it inside RedisClient.withConnection"), e.getMessage());
            }
            assertTrue(client.command("CLIENT", "ID").asLong() > 0);
            assertEquals("PONG", client.ping(), "nothing was sent");
        }
    }

    @Test
    void closedClientRefusesCalls() {
        RedisClient client = multiplexed(config());
        client.ping();
        client.close();
        assertThrows(PoolClosedException.class, client::ping);
    }

    @Test
    void sharedConnectionVersusPoolSameWorkload() throws Exception {
        int threads = 1000;
        int gets = 20;
        long pooled;
        long shared;
        try (RedisClient client = RedisClient.createPooled(config(), PoolSettings.builder().maxSize(32).acquireTimeout(Duration.ofSeconds(30)).build())) {
            getLoop(client, threads, gets); // warm: opens the pool's connections
            pooled = getLoop(client, threads, gets);
        }
        try (RedisClient client = multiplexed(config())) {
            getLoop(client, threads, gets);
            shared = getLoop(client, threads, gets);
        }
        log.info("{} virtual threads x {} GETs over TLS, warm: pool of 32 connections {} ms, one multiplexed connection {} ms",
                threads, gets, pooled, shared);
    }

    private long getLoop(RedisClient client, int threads, int gets) throws InterruptedException {
        client.set(prefix, "v");
        client.ping();
        long t0 = System.nanoTime();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            all.add(Thread.ofVirtual().start(() -> {
                for (int k = 0; k < gets; k++) {
                    if (!"v".equals(client.get(prefix))) {
                        wrong.add("wrong");
                    }
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        assertTrue(wrong.isEmpty());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** {@code callers} virtual threads each PING once; returns what they threw (joined within {@code joinMillis} each). */
    private static ConcurrentLinkedQueue<Throwable> pingFromThreads(RedisClient client, int callers, long joinMillis)
            throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    client.ping();
                } catch (Throwable t) {
                    thrown.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(joinMillis);
        }
        return thrown;
    }
}
