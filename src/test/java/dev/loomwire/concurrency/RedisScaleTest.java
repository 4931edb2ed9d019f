package dev.loomwire.concurrency;

import dev.loomwire.redis.RedisConnection;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Scale, not a benchmark: 2,000 TLS connections to one Redis server (maxclients 10000), each
 * owned by its own virtual thread, all open at once, each doing PING in a bounded loop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisScaleTest {
    private static final Logger log = LoggerFactory.getLogger(RedisScaleTest.class);
    private static final int CONNECTIONS = 2_000;
    private static final int PINGS = 20;

    @Test
    void twoThousandTlsConnectionsEachOnItsOwnVirtualThread() throws Exception {
        requireFileDescriptors(CONNECTIONS + 500);
        try (RedisServer server = TestServers.startRedis(RedisServer.Options.defaults().withConfig("maxclients 10000"))) {
            String uri = RedisWorkload.tlsUri(server) + "&connect_timeout=30";
            Semaphore handshakes = new Semaphore(64); // the server's accept backlog, not the client, is the limit
            CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong pongs = new AtomicLong();
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>(CONNECTIONS);
            for (int i = 0; i < CONNECTIONS; i++) {
                threads.add(Thread.ofVirtual().name("scale-" + i).start(() -> {
                    RedisConnection c = null;
                    try {
                        handshakes.acquire();
                        try {
                            c = RedisConnection.connect(uri);
                        } finally {
                            handshakes.release();
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        allConnected.countDown();
                    }
                    if (c == null) {
                        return;
                    }
                    try (RedisConnection conn = c) {
                        allConnected.await(); // every connection is open at the same time
                        for (int k = 0; k < PINGS; k++) {
                            if ("PONG".equals(conn.ping())) {
                                pongs.incrementAndGet();
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            assertTrue(allConnected.await(90, TimeUnit.SECONDS), "not all connections were attempted within 90 s");
            long connectedMs = (System.nanoTime() - t0) / 1_000_000;
            for (Thread t : threads) {
                t.join(60_000);
                assertFalse(t.isAlive(), "a connection's thread hung");
            }
            long totalMs = (System.nanoTime() - t0) / 1_000_000;
            log.info("{} TLS connections open in {} ms, {} PINGs answered, all done in {} ms", CONNECTIONS, connectedMs, pongs.get(), totalMs);
            assertEquals(List.of(), List.copyOf(failures).stream().limit(5).toList(), failures.size() + " connections failed");
            assertEquals((long) CONNECTIONS * PINGS, pongs.get());
        }
    }

    /** Fails clearly when the process may not open enough sockets. */
    private static void requireFileDescriptors(int needed) throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return;
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                if (!soft.equals("unlimited") && Long.parseLong(soft) < needed) {
                    fail("this test opens " + CONNECTIONS + " sockets but the open-files limit is " + soft
                            + ": raise it (ulimit -n " + needed + " or more) before running the tests");
                }
            }
        }
    }
}
