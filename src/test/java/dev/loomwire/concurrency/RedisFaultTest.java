package dev.loomwire.concurrency;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
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
 * Redis over TLS through {@link FaultProxy}: a killed server, a reset in the middle of a TLS
 * record, a stalled handshake, a peer that stops answering, and connection cuts while 1,000
 * virtual threads are busy. Every fault ends in a clear {@link RedisConnectionException} within
 * its timeout, the pool replaces broken connections, and nobody ever sees another caller's reply.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisFaultTest {
    private static final RedisServer SERVER = TestServers.redis();
    private final String prefix = "fault:" + UUID.randomUUID();
    private FaultProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        proxy = new FaultProxy(SERVER.host(), SERVER.tlsPort());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private RedisConfig viaProxy(Duration timeout, Duration connectTimeout) {
        return RedisConfig.fromUri(RedisWorkload.tlsUri(SERVER)).toBuilder()
                .port(proxy.port()).timeout(timeout).connectTimeout(connectTimeout).build();
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void serverKilledInTheMiddleOfABlockingCommand() throws Exception {
        RedisServer doomed = TestServers.startRedis(RedisServer.Options.defaults());
        try (RedisClient client = RedisClient.createPooled(RedisWorkload.tlsUri(doomed), PoolSettings.builder().maxSize(2).build())) {
            AtomicInteger started = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
            Thread blocked = Thread.ofVirtual().start(() -> {
                try {
                    client.withConnection(c -> {
                        started.incrementAndGet();
                        return c.blpop(Duration.ofSeconds(30), prefix);
                    });
                } catch (Throwable t) {
                    thrown.add(t);
                }
            });
            while (started.get() == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            long t0 = System.nanoTime();
            doomed.close();
            blocked.join(10_000);
            assertFalse(blocked.isAlive(), "BLPOP still blocked after the server died");
            Throwable t = thrown.poll();
            assertInstanceOf(RedisConnectionException.class, t);
            assertTrue(t.getMessage().contains("closed the connection") || t.getMessage().contains("cannot read"), t.getMessage());
            assertTrue(millisSince(t0) < 10_000, "took " + millisSince(t0) + " ms");
            assertEquals(0, client.stats().inUse());
            RedisConnectionException refused = assertThrows(RedisConnectionException.class, client::ping);
            assertTrue(refused.getMessage().contains("cannot connect"), refused.getMessage());
            assertEquals(new PoolStats(0, 0, 0, 0, 0), client.stats(), "nothing leaked after failed connects");
        } finally {
            doomed.close();
        }
    }

    @Test
    void connectionResetInTheMiddleOfATlsRecord() {
        try (RedisConnection direct = RedisConnection.connect(RedisWorkload.tlsUri(SERVER));
             RedisClient client = RedisClient.createPooled(viaProxy(Duration.ofSeconds(5), Duration.ofSeconds(5)), PoolSettings.builder().maxSize(1).build())) {
            String big = "x".repeat(200_000);
            direct.set(prefix, big);
            assertEquals("PONG", client.ping());
            proxy.resetAfterServerBytes(3_000); // a 200 kB reply comes in 16 kB TLS records: this cuts the first one
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> client.get(prefix));
            assertTrue(millisSince(t0) < 5_000, "took " + millisSince(t0) + " ms");
            assertTrue(e.getMessage().contains("cannot read from") || e.getMessage().contains("closed the connection"), e.getMessage());
            assertEquals(0, client.stats().total(), "the broken connection was discarded");
            proxy.forward();
            assertEquals(big, client.get(prefix), "healed with a fresh connection");
            direct.del(prefix);
        }
    }

    @Test
    void stalledTlsHandshakeEndsAtTheConnectTimeout() {
        proxy.stallNewConnections();
        try (RedisClient client = RedisClient.createPooled(viaProxy(Duration.ofSeconds(5), Duration.ofMillis(700)),
                PoolSettings.builder().acquireTimeout(Duration.ofSeconds(5)).build())) {
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class, client::ping);
            long ms = millisSince(t0);
            assertTrue(ms >= 600 && ms < 3_000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("TLS to localhost:" + proxy.port() + " failed"), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("timed out") || e.getMessage().contains("connect_timeout"), e.getMessage());
            assertEquals(new PoolStats(0, 0, 0, 0, 0), client.stats());
            proxy.forward();
            assertEquals("PONG", client.ping());
        }
    }

    @Test
    void silentServerAfterTcpConnectEndsAtTheConnectTimeoutNotTheReadTimeout() throws Exception {
        try (FaultProxy plain = new FaultProxy(SERVER.host(), SERVER.plainPort()).dropAfterServerBytes(0)) {
            RedisConfig config = RedisConfig.builder().host("127.0.0.1").port(plain.port())
                    .timeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofMillis(700)).build();
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> RedisConnection.connect(config).close());
            long ms = millisSince(t0);
            assertTrue(ms >= 600 && ms < 3_000, "HELLO shares the connect deadline, took " + ms + " ms");
            assertTrue(e.getMessage().startsWith("timed out after"), e.getMessage());
        }
    }

    @Test
    void peerThatStopsAnsweringEndsAtTheReadTimeout() {
        try (RedisClient client = RedisClient.createPooled(viaProxy(Duration.ofMillis(500), Duration.ofSeconds(5)),
                PoolSettings.builder().maxSize(1).build())) {
            assertEquals("PONG", client.ping());
            proxy.dropAfterServerBytes(10);
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> client.echo("hello, is anyone there"));
            long ms = millisSince(t0);
            assertTrue(ms >= 450 && ms < 3_000, "took " + ms + " ms");
            assertTrue(e.getMessage().startsWith("timed out after 500 ms waiting for a reply from localhost:" + proxy.port()), e.getMessage());
            assertEquals(0, client.stats().total());
            proxy.forward();
            assertEquals("PONG", client.ping());
        }
    }

    @Test
    void connectionCutsWhileThousandVirtualThreadsAreBusy() throws Exception {
        int threads = 1000;
        Map<String, String> confirmed = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger connectionFailures = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (RedisClient client = RedisClient.createPooled(viaProxy(Duration.ofSeconds(5), Duration.ofSeconds(5)),
                PoolSettings.builder().maxSize(16).acquireTimeout(Duration.ofSeconds(30)).build())) {
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String me = prefix + ":" + i;
                all.add(Thread.ofVirtual().start(() -> {
                    for (int round = 0; !stop.get() && round < 50; round++) {
                        String key = me + ":" + round;
                        String value = "v-" + key;
                        try {
                            client.set(key, value);
                            confirmed.put(key, value);
                            String got = client.get(key);
                            if (!value.equals(got)) {
                                mismatches.add(key + ": expected " + value + " got " + got);
                            }
                            String echoed = client.echo(key);
                            if (!key.equals(echoed)) {
                                mismatches.add(key + ": ECHO answered " + echoed);
                            }
                        } catch (RedisConnectionException e) {
                            connectionFailures.incrementAndGet();
                        } catch (Throwable t) {
                            unexpected.add(t);
                        }
                    }
                }));
            }
            for (int cut = 0; cut < 3; cut++) {
                Thread.sleep(300);
                proxy.cutAll();
            }
            stop.set(true);
            for (Thread t : all) {
                t.join(30_000);
                assertFalse(t.isAlive(), "a caller hung");
            }
            assertEquals(List.of(), List.copyOf(mismatches), "replies crossed between callers");
            assertEquals(List.of(), List.copyOf(unexpected));
            assertTrue(connectionFailures.get() > 0, "the cuts should have hit someone");
            // healed: the same client works again with fresh connections
            RedisWorkload.Result after = RedisWorkload.run(client, 200, prefix + ":after");
            assertTrue(after.mismatches().isEmpty() && after.failures().isEmpty(), after.summary());
            PoolStats s = client.stats();
            assertEquals(s.total(), s.idle(), "back to idle: " + s);
        }
        try (RedisConnection direct = RedisConnection.connect(RedisWorkload.tlsUri(SERVER))) {
            List<String> keys = new ArrayList<>(confirmed.keySet());
            for (int i = 0; i < keys.size(); i += 500) {
                List<String> batch = keys.subList(i, Math.min(keys.size(), i + 500));
                List<String> values = direct.mget(batch.toArray(String[]::new));
                for (int j = 0; j < batch.size(); j++) {
                    assertEquals(confirmed.get(batch.get(j)), values.get(j), "confirmed write lost: " + batch.get(j));
                }
                direct.del(batch.toArray(String[]::new));
            }
        }
    }
}
