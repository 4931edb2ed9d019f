package dev.loomwire.redis;

import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** Everyday commands against the real Redis from the harness (plain port), under RESP2 and RESP3. */
class RedisCommandsTest {

    static RedisConnection connect(int protocol) {
        RedisServer s = TestServers.redis();
        return RedisConnection.connect("redis://" + s.host() + ":" + s.plainPort() + "/1?protocol=" + protocol
                + "&client_name=commands-test");
    }

    static String key(String name) {
        return "cmd:" + name + ":" + UUID.randomUUID();
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void handshakeNegotiatesProtocolSelectsDatabaseAndNamesClient(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            assertEquals(protocol, c.protocol());
            assertTrue(c.tls().isEmpty());
            assertEquals("commands-test", c.clientGetName());
            assertTrue(c.command("CLIENT", "INFO").asString().contains("db=1"));
            assertEquals("PONG", c.ping());
            assertEquals("h\u00e9llo", c.echo("h\u00e9llo"));
            assertTrue(c.clientId() > 0);
            assertTrue(c.info("server").contains("redis_version"));
            assertTrue(c.info().contains("# Server"));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void strings(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("s");
            assertNull(c.get(k));
            c.set(k, "v1");
            assertEquals("v1", c.get(k));
            assertFalse(c.set(k, "v2", SetOptions.none().onlyIfAbsent()));
            assertTrue(c.set(k, "v3", SetOptions.none().onlyIfPresent().expireIn(Duration.ofSeconds(100))));
            assertEquals("v3", c.get(k));
            long ttl = c.ttl(k);
            assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
            assertTrue(c.set(k, "v4", SetOptions.none().expireIn(Duration.ofMillis(90_500))));
            assertTrue(c.pttl(k) > 80_000);
            assertEquals(4, c.append(k, "xy"));
            String n = key("n");
            assertEquals(1, c.incr(n));
            assertEquals(11, c.incrBy(n, 10));
            assertEquals(10, c.decr(n));
            assertEquals(5, c.decrBy(n, 5));
            Map<String, String> kv = new LinkedHashMap<>();
            kv.put(k + "a", "1");
            kv.put(k + "b", "2");
            c.mset(kv);
            assertEquals(java.util.Arrays.asList("1", null, "2"), c.mget(k + "a", k + "missing", k + "b"));
            assertEquals(2, c.exists(k + "a", k + "b", k + "missing"));
            assertEquals(2, c.del(k + "a", k + "b"));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void binarySafeKeysAndValues(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            byte[] k = ("bin:" + UUID.randomUUID() + "\0\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] v = new byte[256];
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) i;
            }
            c.set(k, v);
            assertArrayEquals(v, c.get(k));
            assertEquals(512, c.append(k, v));
            assertEquals(1, c.del(k));
            assertEquals(2, c.rpush(k, new byte[] {0}, new byte[] {(byte) 0xff}));
            assertArrayEquals(new byte[] {(byte) 0xff}, c.lrange(k, 0, -1).get(1));
            assertArrayEquals(new byte[] {0}, c.lpop(k));
            assertEquals(1, c.del(k));
            assertTrue(c.hset(k, new byte[] {1}, new byte[] {2, 0}));
            assertArrayEquals(new byte[] {2, 0}, c.hget(k, new byte[] {1}));
            assertEquals(1, c.del(k));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void keysExpiryAndScan(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String prefix = key("scan");
            for (int i = 0; i < 250; i++) {
                c.set(prefix + ":" + i, "x");
            }
            Set<String> seen = new java.util.HashSet<>();
            Iterator<String> it = c.scan(prefix + ":*", 50);
            it.forEachRemaining(seen::add);
            assertEquals(250, seen.size());
            assertFalse(it.hasNext());
            String k = prefix + ":0";
            assertEquals(-1, c.ttl(k));
            assertTrue(c.expire(k, Duration.ofSeconds(50)));
            assertTrue(c.ttl(k) > 0);
            assertTrue(c.persist(k));
            assertEquals(-1, c.ttl(k));
            assertEquals(-2, c.ttl(prefix + ":missing"));
            assertFalse(c.expire(prefix + ":missing", Duration.ofSeconds(5)));
            assertTrue(c.scanBytes((prefix + ":1*").getBytes(StandardCharsets.UTF_8), 0).hasNext());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void hashes(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("h");
            assertTrue(c.hset(k, "a", "1"));
            assertFalse(c.hset(k, "a", "2"));
            assertEquals(2, c.hset(k, Map.of("b", "x", "c", "y")));
            assertEquals("2", c.hget(k, "a"));
            assertNull(c.hget(k, "zz"));
            assertEquals(Map.of("a", "2", "b", "x", "c", "y"), c.hgetAll(k));
            assertEquals(java.util.Arrays.asList("2", null), c.hmget(k, "a", "zz"));
            assertTrue(c.hexists(k, "b"));
            assertFalse(c.hexists(k, "zz"));
            assertEquals(12, c.hincrBy(k, "a", 10));
            assertEquals(3, c.hlen(k));
            assertEquals(Set.of("a", "b", "c"), Set.copyOf(c.hkeys(k)));
            assertEquals(3, c.hvals(k).size());
            assertEquals(1, c.hdel(k, "b", "zz"));
            assertEquals(Map.of(), c.hgetAll(key("empty")));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void lists(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("l");
            assertEquals(2, c.rpush(k, "b", "c"));
            assertEquals(3, c.lpush(k, "a"));
            assertEquals(List.of("a", "b", "c"), c.lrange(k, 0, -1));
            assertEquals(3, c.llen(k));
            assertEquals("b", c.lindex(k, 1));
            assertEquals("a", c.lpop(k));
            assertEquals("c", c.rpop(k));
            assertEquals(Optional.of(Map.entry(k, "b")), c.blpop(Duration.ofSeconds(1), k));
            assertNull(c.lpop(k));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void blpopWithTimeoutLongerThanTheReadTimeout(int protocol) {
        RedisServer s = TestServers.redis();
        try (RedisConnection c = RedisConnection.connect("redis://" + s.host() + ":" + s.plainPort()
                + "/1?timeout=300ms&protocol=" + protocol)) {
            String k = key("bl");
            long t0 = System.nanoTime();
            assertEquals(Optional.empty(), c.blpop(Duration.ofMillis(700), k), "times out empty");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 650 && ms < 3000, "waited " + ms + " ms");
            assertTrue(c.isOpen(), "a BLPOP timeout does not break the connection");
            Thread pusher = Thread.ofVirtual().start(() -> {
                try (RedisConnection p = connect(protocol)) {
                    Thread.sleep(400);
                    p.rpush(k, "late");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(Optional.of(Map.entry(k, "late")), c.brpop(Duration.ofSeconds(5), k));
            assertDoesNotThrow(() -> pusher.join());
            assertEquals("PONG", c.ping());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void setsAndSortedSets(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("set");
            assertEquals(3, c.sadd(k, "a", "b", "c"));
            assertEquals(Set.of("a", "b", "c"), c.smembers(k));
            assertTrue(c.sismember(k, "a"));
            assertFalse(c.sismember(k, "z"));
            assertEquals(1, c.srem(k, "a"));
            assertEquals(2, c.scard(k));
            String z = key("zset");
            assertTrue(c.zadd(z, 1.5, "one"));
            Map<String, Double> more = new LinkedHashMap<>();
            more.put("two", 2.0);
            more.put("inf", Double.POSITIVE_INFINITY);
            assertEquals(2, c.zadd(z, more));
            assertEquals(1.5, c.zscore(z, "one"));
            assertEquals(Double.POSITIVE_INFINITY, c.zscore(z, "inf"));
            assertNull(c.zscore(z, "none"));
            assertEquals(3.0, c.zincrby(z, 1.5, "one"));
            assertEquals(List.of("two", "one", "inf"), c.zrange(z, 0, -1));
            assertEquals(List.of(new ScoredMember("two", 2.0), new ScoredMember("one", 3.0)), c.zrangeWithScores(z, 0, 1));
            assertEquals(1L, c.zrank(z, "one"));
            assertNull(c.zrank(z, "none"));
            assertEquals(1, c.zrem(z, "two"));
            assertEquals(2, c.zcard(z));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void scripting(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("lua");
            RedisReply r = c.eval("redis.call('SET', KEYS[1], ARGV[1]); return {1, 'two', redis.call('GET', KEYS[1])}",
                    List.of(k), List.of("val"));
            assertEquals(List.of(1L, "two", "val"), List.of(r.asList().get(0).asLong(), r.asList().get(1).asString(),
                    r.asList().get(2).asString()));
            String sha = c.scriptLoad("return ARGV[1] .. KEYS[1]");
            assertEquals("ba", c.evalsha(sha, List.of("a"), List.of("b")).asString());
            RedisServerException e = assertThrows(RedisServerException.class,
                    () -> c.evalsha("0000000000000000000000000000000000000000", List.of(), List.of()));
            assertEquals("NOSCRIPT", e.code());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void serverErrorsCarryTheCodeAndLeaveTheConnectionUsable(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("wrongtype");
            c.lpush(k, "x");
            RedisServerException e = assertThrows(RedisServerException.class, () -> c.get(k));
            assertEquals("WRONGTYPE", e.code());
            assertTrue(e.getMessage().startsWith("WRONGTYPE"));
            RedisServerException unknown = assertThrows(RedisServerException.class, () -> c.command("NOSUCHCOMMAND"));
            assertEquals("ERR", unknown.code());
            assertTrue(c.isOpen());
            assertEquals("PONG", c.ping());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void genericCommandReturnsTypedReplies(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            RedisReply hello = c.command("HELLO");
            assertEquals(protocol == 3 ? RedisReply.MapReply.class : RedisReply.ArrayReply.class, hello.getClass());
            assertEquals(protocol, hello.asMap().get("proto").asLong());
            assertInstanceOf(RedisReply.IntegerReply.class, c.command("DBSIZE"));
            assertTrue(c.command("GET".getBytes(), key("none").getBytes()).isNull());
            if (protocol == 3) {
                assertInstanceOf(RedisReply.DoubleReply.class, c.command("ZINCRBY", key("d"), "1.5", "m"));
            }
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void pipelineOfTenThousandCommands(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("pipe");
            RedisPipeline p = c.pipeline();
            for (int i = 0; i < 10_000; i++) {
                p.command("RPUSH", k, Integer.toString(i));
            }
            p.command("LLEN", k);
            p.command("GET", k); // WRONGTYPE: comes back in its slot, the rest still count
            assertEquals(10_002, p.size());
            List<RedisReply> replies = p.execute();
            assertEquals(10_002, replies.size());
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i + 1, replies.get(i).asLong());
            }
            assertEquals(10_000, replies.get(10_000).asLong());
            assertEquals("WRONGTYPE", ((RedisReply.ErrorReply) replies.get(10_001)).code());
            assertEquals(0, p.size());
            assertEquals("PONG", c.ping());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void multiExec(int protocol) {
        try (RedisConnection c = connect(protocol)) {
            String k = key("tx");
            List<RedisReply> r = c.multi().command("SET", k, "1").command("INCR", k).command("LPUSH", k, "x")
                    .command("GET", k).exec().orElseThrow();
            assertEquals(4, r.size());
            assertEquals("OK", r.get(0).asString());
            assertEquals(2, r.get(1).asLong());
            assertEquals("WRONGTYPE", ((RedisReply.ErrorReply) r.get(2)).code(), "run-time error in its slot");
            assertEquals("2", r.get(3).asString());

            RedisServerException abort = assertThrows(RedisServerException.class,
                    () -> c.multi().command("SET", k).command("GET", k).exec());
            assertEquals("EXECABORT", abort.code());
            assertTrue(abort.getMessage().contains("wrong number of arguments"), abort.getMessage());

            RedisTransaction discarded = c.multi().command("SET", k, "never");
            discarded.discard();
            assertEquals("2", c.get(k));
            assertEquals("PONG", c.ping());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void watchAbortsTheTransactionWhenAKeyChanges(int protocol) {
        try (RedisConnection c = connect(protocol); RedisConnection other = connect(protocol)) {
            String k = key("watch");
            c.set(k, "1");
            c.watch(k);
            other.set(k, "changed");
            assertEquals(Optional.empty(), c.multi().command("SET", k, "mine").exec());
            assertEquals("changed", c.get(k));
            c.watch(k);
            assertTrue(c.multi().command("SET", k, "mine").exec().isPresent());
            assertEquals("mine", c.get(k));
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void pubSub(int protocol) {
        try (RedisConnection sub = connect(protocol); RedisConnection pub = connect(protocol)) {
            String ch = key("ch");
            List<PubSubMessage> got = new ArrayList<>();
            try (RedisSubscription s = sub.subscribe(ch)) {
                assertEquals(Set.of(ch), s.channels());
                assertThrows(IllegalStateException.class, sub::ping, "the connection serves the subscription");
                assertEquals(Optional.empty(), s.receive(Duration.ofMillis(200)), "nothing yet: times out, stays usable");
                s.psubscribe(ch + ".*");
                assertEquals(1, pub.command("PUBLISH", ch, "hello").asLong());
                assertEquals(1, pub.command("PUBLISH", ch + ".x", "pattern").asLong());
                got.add(s.receive(Duration.ofSeconds(5)).orElseThrow());
                got.add(s.receive(Duration.ofSeconds(5)).orElseThrow());
                s.unsubscribe(ch);
                assertEquals(Set.of(), s.channels());
                assertEquals(0, pub.command("PUBLISH", ch, "nobody listens").asLong());
            }
            assertEquals("hello", got.get(0).text());
            assertEquals(ch, got.get(0).channel());
            assertNull(got.get(0).pattern());
            assertEquals("pattern", got.get(1).text());
            assertEquals(ch + ".*", got.get(1).pattern());
            assertEquals("PONG", sub.ping(), "usable for commands after the subscription closed");
            assertEquals(0, pub.command("PUBLISH", ch + ".x", "gone").asLong());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void pubSubCallbackOnItsOwnVirtualThread(int protocol) throws InterruptedException {
        try (RedisConnection sub = connect(protocol); RedisConnection pub = connect(protocol)) {
            String ch = key("cb");
            java.util.concurrent.BlockingQueue<PubSubMessage> got = new java.util.concurrent.LinkedBlockingQueue<>();
            RedisSubscription s = sub.psubscribe(ch + ":*");
            s.listen(got::add);
            assertThrows(IllegalStateException.class, () -> s.subscribe("other"), "only close() while listening");
            pub.command("PUBLISH", ch + ":1", "one");
            pub.command("PUBLISH", ch + ":2", "two");
            assertEquals("one", got.poll(5, java.util.concurrent.TimeUnit.SECONDS).text());
            assertEquals("two", got.poll(5, java.util.concurrent.TimeUnit.SECONDS).text());
            s.close();
            assertNull(s.listenerFailure());
            assertEquals("PONG", sub.ping());
        }
    }
}
