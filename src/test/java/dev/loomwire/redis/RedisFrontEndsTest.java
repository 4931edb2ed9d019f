package dev.loomwire.redis;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.loomwire.redis.RedisCommandFactory.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every front end runs the same command definitions from {@link RedisCommandFactory} and gets the
 * same results from the real Redis of the harness: a connection, both {@link RedisClient} modes, a
 * pipeline and a MULTI/EXEC transaction. Also: the flags decide what the shared multiplexed
 * connection refuses and what runs on a connection of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFrontEndsTest {
    private static final RedisServer SERVER = TestServers.redis();
    private static final String URI = "redis://" + SERVER.host() + ":" + SERVER.plainPort() + "/2";
    private static final String CHANNEL = "front-ends:" + UUID.randomUUID();
    private static RedisConnection subscriber;
    private static RedisSubscription subscription;

    /** One way of running a list of commands: each front end. */
    enum FrontEnd {
        CONNECTION, MULTIPLEXED_CLIENT, POOLED_CLIENT, PIPELINE, TRANSACTION;

        /** Runs {@code commands} and returns their results in order (a result may be an exception). */
        List<Object> run(List<RedisCommand<?>> commands) {
            return switch (this) {
                case CONNECTION -> {
                    try (RedisConnection c = RedisConnection.connect(URI)) {
                        yield each(commands, c);
                    }
                }
                case MULTIPLEXED_CLIENT -> {
                    try (RedisClient client = RedisClient.create(URI)) {
                        assertTrue(client.isMultiplexed());
                        yield each(commands, client);
                    }
                }
                case POOLED_CLIENT -> {
                    try (RedisClient client = RedisClient.createPooled(URI, PoolSettings.builder().maxSize(2).build())) {
                        assertFalse(client.isMultiplexed());
                        yield each(commands, client);
                    }
                }
                case PIPELINE -> {
                    try (RedisConnection c = RedisConnection.connect(URI)) {
                        RedisPipeline p = c.pipeline();
                        List<RedisResponse<?>> handles = commands.stream().<RedisResponse<?>>map(p::add).toList();
                        assertThrows(IllegalStateException.class, () -> handles.get(0).get(), "no result before execute()");
                        p.execute();
                        yield results(handles);
                    }
                }
                case TRANSACTION -> {
                    try (RedisConnection c = RedisConnection.connect(URI)) {
                        RedisTransaction t = c.multi();
                        List<RedisResponse<?>> handles = commands.stream().<RedisResponse<?>>map(t::add).toList();
                        assertTrue(t.exec().isPresent());
                        yield results(handles);
                    }
                }
            };
        }

        private static List<Object> each(List<RedisCommand<?>> commands, RedisCommands redis) {
            List<Object> out = new ArrayList<>();
            for (RedisCommand<?> c : commands) {
                out.add(outcome(() -> redis.execute(c)));
            }
            return out;
        }

        private static List<Object> results(List<RedisResponse<?>> handles) {
            List<Object> out = new ArrayList<>();
            for (RedisResponse<?> r : handles) {
                out.add(outcome(r::get));
            }
            return out;
        }

        private static Object outcome(java.util.function.Supplier<?> s) {
            try {
                return s.get();
            } catch (RedisServerException e) {
                return e.getClass().getSimpleName() + " " + e.code();
            }
        }
    }

    @BeforeAll
    static void subscribe() {
        subscriber = RedisConnection.connect(URI);
        subscription = subscriber.subscribe(CHANNEL);
    }

    @AfterAll
    static void unsubscribe() {
        subscription.close();
        subscriber.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FrontEnd.class)
    void everyFrontEndRunsTheSameDefinitionsWithTheSameResults(FrontEnd frontEnd) {
        String p = "front-ends:" + frontEnd + ":" + UUID.randomUUID();
        String k = p + ":k";
        String n = p + ":n";
        String h = p + ":h";
        String z = p + ":z";
        String q = p + ":q";
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("f1", "v1");
        fields.put("f2", "v2");
        List<RedisCommand<?>> commands = List.of(
                set(k, "v"),
                get(k),
                expire(k, Duration.ofMillis(1500)),
                pttl(k),
                ttl(k),
                persist(k),
                ttl(k),
                expire(p + ":missing", Duration.ofSeconds(5)),
                incr(n),
                incrBy(n, 41),
                mget(k, p + ":missing"),
                hset(h, fields),
                hgetAll(h),
                zadd(z, 1.5, "a"),
                zrangeWithScores(z, 0, -1),
                eval("return redis.call('GET', KEYS[1])", List.of(k), List.of()),
                publish(CHANNEL, "hello from " + frontEnd),
                blpop(Duration.ofMillis(100), q),
                hget(k, "wrong type"),
                del(k, n, h, z));
        List<Object> r = frontEnd.run(commands);

        assertNull(r.get(0), "SET");
        assertEquals("v", r.get(1));
        assertEquals(true, r.get(2), "PEXPIRE on an existing key");
        long pttl = (Long) r.get(3);
        assertTrue(pttl > 0 && pttl <= 1500, "PTTL " + pttl + " after PEXPIRE of 1500 ms");
        long ttl = (Long) r.get(4);
        assertTrue(ttl == 1 || ttl == 2, "TTL " + ttl);
        assertEquals(true, r.get(5), "PERSIST removed the expiry");
        assertEquals(-1L, r.get(6));
        assertEquals(false, r.get(7), "PEXPIRE on a missing key");
        assertEquals(1L, r.get(8));
        assertEquals(42L, r.get(9));
        assertEquals(Arrays.asList("v", null), r.get(10));
        assertEquals(2L, r.get(11));
        assertEquals(fields, r.get(12));
        assertEquals(true, r.get(13));
        assertEquals(List.of(new ScoredMember("a", 1.5)), r.get(14));
        assertEquals(new RedisReply.BulkString("v".getBytes()), r.get(15));
        assertEquals(1L, r.get(16), "PUBLISH reached the one subscriber");
        assertEquals(Optional.empty(), r.get(17), "BLPOP on an empty list timed out");
        assertEquals("RedisServerException WRONGTYPE", r.get(18), "an error reply is thrown where that command's result is asked for");
        assertEquals(4L, r.get(19));
        assertEquals("hello from " + frontEnd, subscription.receive(Duration.ofSeconds(5)).orElseThrow().text());
    }

    /** The typed methods of {@link RedisCommands} are the same on each front end that implements it. */
    @Test
    void typedMethodsBehaveTheSameOnConnectionAndBothClients() {
        try (RedisConnection c = RedisConnection.connect(URI);
             RedisClient mux = RedisClient.create(URI);
             RedisClient pooled = RedisClient.createPooled(URI)) {
            int i = 0;
            for (RedisCommands redis : List.<RedisCommands>of(c, mux, pooled)) {
                String k = "front-ends:typed:" + i++ + ":" + UUID.randomUUID();
                redis.set(k, "v");
                assertTrue(redis.expire(k, Duration.ofSeconds(3)));
                long pttl = redis.pttl(k);
                assertTrue(pttl > 2000 && pttl <= 3000, redis + ": PTTL " + pttl);
                assertEquals(3, redis.ttl(k), redis.toString());
                assertEquals(1, redis.publish(CHANNEL, "typed " + i));
                assertEquals("typed " + i, subscription.receive(Duration.ofSeconds(5)).orElseThrow().text());
                assertEquals(List.of("v"), redis.mget(k));
                assertEquals(1, redis.unlink(k));
                assertEquals(Optional.empty(), redis.brpop(Duration.ofMillis(50), k));
                assertEquals("PONG", redis.command("PING").asString());
            }
        }
    }

    @Test
    void flagsDecideWhatTheSharedConnectionRefuses() {
        try (RedisClient client = RedisClient.create(URI, PoolSettings.builder().maxSize(2).build())) {
            for (RedisCommand<?> c : List.of(watch("k"), unwatch(), clientSetName("x"), raw("SELECT", "3"),
                    raw("CLIENT", "TRACKING", "on"), raw("BLPOP", "k", "0"), raw("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.execute(c), c.toString());
                assertTrue(e.getMessage().startsWith(c.name()) && e.getMessage().contains("RedisClient.withConnection"), e.getMessage());
            }
            assertEquals(0, client.stats().total(), "nothing refused touched the pool");
            assertTrue(client.execute(raw("DBSIZE")).asLong() >= 0, "ALL_NODES commands run on one node here");
            assertTrue(client.execute(raw("XREAD", "STREAMS", "front-ends:nostream", "0")).isNull(), "XREAD without BLOCK answers at once");

            // a typed blocking command knows its block time: it runs on a pooled connection of its own
            String q = "front-ends:blocking:" + UUID.randomUUID();
            CompletableFuture<Optional<Map.Entry<String, String>>> popped = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> popped.complete(client.blpop(Duration.ofSeconds(10), q)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.stats().inUse() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, client.stats().inUse(), "BLPOP holds one pooled connection");
            assertEquals("PONG", client.ping(), "the shared connection is not blocked");
            assertEquals(1, client.rpush(q, "x"));
            assertEquals(Optional.of(Map.entry(q, "x")), popped.join());
        }
    }

    @Test
    void pipelineAndTransactionResponsesAreTyped() {
        try (RedisClient client = RedisClient.create(URI)) {
            String k = "front-ends:handles:" + UUID.randomUUID();
            List<RedisResponse<Long>> counters = new ArrayList<>();
            List<RedisReply> replies = client.pipeline(p -> {
                counters.add(p.add(incr(k)));
                p.command("INCR", k);
                counters.add(p.add(incr(k)));
            });
            assertEquals(3, replies.size());
            assertEquals(List.of(1L, 3L), counters.stream().map(RedisResponse::get).toList());

            List<RedisResponse<?>> inTx = new ArrayList<>();
            Optional<List<RedisReply>> tx = client.transaction(t -> {
                inTx.add(t.add(incrBy(k, 10)));
                inTx.add(t.add(get(k)));
            });
            assertTrue(tx.isPresent());
            assertEquals(13L, inTx.get(0).get());
            assertEquals("13", inTx.get(1).get());

            RedisResponse<?>[] discarded = new RedisResponse<?>[1];
            client.withConnection(c -> {
                RedisTransaction t = c.multi();
                discarded[0] = t.add(del(k));
                t.discard();
                return null;
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, discarded[0]::get);
            assertTrue(e.getMessage().contains("discarded"), e.getMessage());
            assertEquals(1, client.del(k), "the discarded DEL never ran");
        }
    }
}
