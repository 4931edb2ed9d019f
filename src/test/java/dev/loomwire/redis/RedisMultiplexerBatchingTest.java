package dev.loomwire.redis;

import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link RedisMultiplexer}'s automatic batching over TLS (Redis with {@code tls-port}): concurrent
 * callers' commands share socket writes, every caller still gets its own reply, and a lone caller
 * sends at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisMultiplexerBatchingTest {
    private static final Logger log = LoggerFactory.getLogger(RedisMultiplexerBatchingTest.class);
    private static final RedisServer SERVER = TestServers.redis();
    private final String prefix = "mux-batch:" + UUID.randomUUID();

    private static RedisMultiplexer multiplexer() {
        return new RedisMultiplexer(RedisConfig.fromUri("rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD
                + "@localhost:" + SERVER.tlsPort() + "?sslrootcert=" + TestCerts.file("ca.crt")), "batching-test");
    }

    @Test
    void concurrentCallersShareSocketWritesAndGetTheirOwnReplies() throws Exception {
        int threads = 500;
        int rounds = 10;
        try (RedisMultiplexer mux = multiplexer()) {
            assertEquals("PONG", call(mux, "PING").asString());
            long writesBefore = mux.socketWrites();
            long sentBefore = mux.commandsSent();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String key = prefix + ":" + i;
                all.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        for (int round = 0; round < rounds; round++) {
                            String value = key + "=" + round;
                            call(mux, "SET", key, value);
                            String got = call(mux, "GET", key).asString();
                            if (!value.equals(got)) {
                                wrong.add(key + ": GET answered " + got);
                            }
                            String echoed = call(mux, "ECHO", value).asString();
                            if (!value.equals(echoed)) {
                                wrong.add(key + ": ECHO answered " + echoed);
                            }
                        }
                        if (call(mux, "DEL", key).asLong() != 1) {
                            wrong.add(key + ": DEL did not find it");
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            start.countDown();
            for (Thread t : all) {
                t.join(30_000);
                assertFalse(t.isAlive(), "a caller hung");
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(List.of(), List.copyOf(wrong), "replies crossed between callers");
            long commands = mux.commandsSent() - sentBefore;
            long writes = mux.socketWrites() - writesBefore;
            assertEquals((long) threads * (rounds * 3 + 1), commands);
            log.info("{} commands from {} concurrent virtual threads went out in {} socket writes ({} commands per write)",
                    commands, threads, writes, String.format("%.1f", (double) commands / writes));
            assertTrue(writes < commands, "expected batched writes: " + writes + " writes for " + commands + " commands");
        }
    }

    @Test
    void aLoneCallerSendsEachCommandAtOnce() {
        try (RedisMultiplexer mux = multiplexer()) {
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + i, call(mux, "ECHO", "m" + i).asString());
            }
            assertEquals(50, mux.socketWrites(), "one write per command: nothing waits for company");
            assertEquals(50, mux.commandsSent());
        }
    }

    @Test
    void aBadArgumentFailsOnlyItsOwnCall() {
        try (RedisMultiplexer mux = multiplexer()) {
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> call(mux, "SET", prefix, null));
            assertEquals("command argument must not be null (SET)", nul.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> call(mux, "SET", prefix, new Object()));
            assertEquals("unsupported command argument type java.lang.Object", type.getMessage());
            assertEquals("PONG", call(mux, "PING").asString(), "the shared connection is unharmed");
            assertEquals(0, mux.commandsSent() - 1, "nothing of the refused calls was sent");
        }
    }

    private static RedisReply call(RedisMultiplexer mux, Object... args) {
        return mux.execute(RedisCommandFactory.raw(args));
    }
}
