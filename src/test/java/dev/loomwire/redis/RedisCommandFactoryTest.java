package dev.loomwire.redis;

import dev.loomwire.redis.RedisCommand.Flag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command table, without a server: each command's key positions (a cluster routes by them)
 * and flags (front ends decide where a command may run by them).
 */
class RedisCommandFactoryTest {

    private static void assertKeys(RedisCommand<?> c, String... keys) {
        assertTrue(c.keysKnown(), c + ": keys known");
        assertEquals(keys.length, c.keyCount(), c.toString());
        for (int i = 0; i < keys.length; i++) {
            assertEquals(keys[i], new String(c.key(i), StandardCharsets.UTF_8), c + " key " + i);
        }
    }

    @Test
    void singleKeyCommandsHaveTheirKeyAtArgumentOne() {
        assertArrayEquals(new int[] {1}, RedisCommandFactory.get("k").keyPositions());
        assertKeys(RedisCommandFactory.set("k", "v"), "k");
        assertKeys(RedisCommandFactory.set("k", "v", SetOptions.none().onlyIfAbsent()), "k");
        assertKeys(RedisCommandFactory.hset("h", Map.of("f", "v")), "h");
        assertKeys(RedisCommandFactory.zadd("z", 1.5, "m"), "z");
        assertKeys(RedisCommandFactory.expire("k", Duration.ofSeconds(2)), "k");
        assertKeys(RedisCommandFactory.lpush("l", "a", "b", "c"), "l");
        assertKeys(RedisCommandFactory.get("bin".getBytes(StandardCharsets.UTF_8)), "bin");
    }

    @Test
    void multiKeyCommandsNameEveryKeyAndNoValue() {
        assertKeys(RedisCommandFactory.mget("a", "b", "c"), "a", "b", "c");
        assertKeys(RedisCommandFactory.del("a", "b"), "a", "b");
        assertKeys(RedisCommandFactory.unlink("a", "b"), "a", "b");
        assertKeys(RedisCommandFactory.exists("a", "b", "a"), "a", "b", "a");
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put("k1", "v1");
        kv.put("k2", "v2");
        RedisCommand<Void> mset = RedisCommandFactory.mset(kv);
        assertKeys(mset, "k1", "k2");
        assertArrayEquals(new int[] {1, 3}, mset.keyPositions());
        assertKeys(RedisCommandFactory.raw("TOUCH", "a", "b"), "a", "b");
        assertKeys(RedisCommandFactory.raw("MSETNX", "a", "1", "b", "2"), "a", "b");
        assertKeys(RedisCommandFactory.watch("w1", "w2"), "w1", "w2");
    }

    @Test
    void scriptsTakeTheirKeysFromNumkeys() {
        RedisCommand<RedisReply> eval = RedisCommandFactory.eval("return 1", List.of("k1", "k2"), List.of("a1"));
        assertKeys(eval, "k1", "k2");
        assertArrayEquals(new int[] {3, 4}, eval.keyPositions());
        assertKeys(RedisCommandFactory.evalsha("abc", List.of(), List.of("a1", "a2")));
        assertKeys(RedisCommandFactory.raw("EVALSHA", "abc", "1", "k", "arg"), "k");
        assertKeys(RedisCommandFactory.raw("FCALL", "f", "2", "x", "y", "arg"), "x", "y");
        assertFalse(RedisCommandFactory.raw("EVAL", "return 1", "5", "k").keysKnown(), "numkeys beyond the arguments");
        assertFalse(RedisCommandFactory.raw("EVAL", "return 1", "many").keysKnown(), "numkeys not a number");
    }

    @Test
    void streamsAndBlockingPopsFindTheirKeys() {
        RedisCommand<RedisReply> xread = RedisCommandFactory.raw("XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "$");
        assertKeys(xread, "s1", "s2");
        assertFalse(xread.has(Flag.BLOCKING));
        assertTrue(xread.has(Flag.READ_ONLY));
        RedisCommand<RedisReply> blocking = RedisCommandFactory.raw("xread", "block", "0", "streams", "s", "$");
        assertKeys(blocking, "s");
        assertTrue(blocking.has(Flag.BLOCKING));
        assertKeys(RedisCommandFactory.raw("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"), "s");
        RedisCommand<?> blpop = RedisCommandFactory.blpop(Duration.ofMillis(1500), "q1", "q2");
        assertKeys(blpop, "q1", "q2");
        assertEquals("1.5", new String(blpop.argument(3), StandardCharsets.UTF_8));
        assertEquals(Duration.ofMillis(1500), blpop.blockTimeout());
        assertKeys(RedisCommandFactory.raw("BLMPOP", "0", "2", "a", "b", "LEFT"), "a", "b");
        assertKeys(RedisCommandFactory.raw("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"), "src", "dst");
    }

    @Test
    void keylessAndUnknownCommands() {
        assertKeys(RedisCommandFactory.ping());
        assertKeys(RedisCommandFactory.publish("ch", "m"));
        assertKeys(RedisCommandFactory.scriptLoad("return 1"));
        assertKeys(RedisCommandFactory.raw("FLUSHALL"));
        RedisCommand<RedisReply> unknown = RedisCommandFactory.raw("MODULE.CMD", "x");
        assertFalse(unknown.keysKnown());
        assertEquals(0, unknown.keyCount());
        assertEquals(Set.of(), unknown.flags());
        assertThrows(IndexOutOfBoundsException.class, () -> unknown.keyPosition(0));
    }

    @Test
    void flagsSayWhereACommandMayRun() {
        assertEquals(Set.of(Flag.READ_ONLY), RedisCommandFactory.get("k").flags());
        assertEquals(Set.of(Flag.READ_ONLY), RedisCommandFactory.mget("a", "b").flags());
        assertEquals(Set.of(Flag.READ_ONLY), RedisCommandFactory.exists("a").flags());
        assertEquals(Set.of(), RedisCommandFactory.set("k", "v").flags());
        assertEquals(Set.of(Flag.BLOCKING), RedisCommandFactory.blpop(Duration.ZERO, "q").flags());
        for (String[] state : new String[][] {{"SELECT", "1"}, {"auth", "u", "p"}, {"HELLO", "3"}, {"WATCH", "k"},
                {"MULTI"}, {"EXEC"}, {"DISCARD"}, {"UNWATCH"}, {"SUBSCRIBE", "c"}, {"PSUBSCRIBE", "p*"},
                {"SSUBSCRIBE", "s"}, {"client", "setname", "n"}, {"CLIENT", "TRACKING", "on"}, {"CLIENT", "REPLY", "OFF"},
                {"RESET"}, {"READONLY"}, {"MONITOR"}}) {
            RedisCommand<RedisReply> c = RedisCommandFactory.raw((Object[]) state);
            assertTrue(c.has(Flag.CONNECTION_STATE), String.join(" ", state));
            assertTrue(c.needsOwnConnection(), String.join(" ", state));
        }
        for (String[] all : new String[][] {{"FLUSHALL"}, {"FLUSHDB"}, {"DBSIZE"}, {"KEYS", "*"}, {"SCRIPT", "LOAD", "x"},
                {"script", "flush"}}) {
            RedisCommand<RedisReply> c = RedisCommandFactory.raw((Object[]) all);
            assertTrue(c.has(Flag.ALL_NODES), String.join(" ", all));
            assertFalse(c.needsOwnConnection(), String.join(" ", all));
        }
        for (String[] blocking : new String[][] {{"BRPOP", "q", "1"}, {"BZPOPMIN", "z", "1"}, {"WAIT", "1", "0"}}) {
            RedisCommand<RedisReply> c = RedisCommandFactory.raw((Object[]) blocking);
            assertTrue(c.has(Flag.BLOCKING), String.join(" ", blocking));
            assertNull(c.blockTimeout(), "a raw command's block time is not known");
        }
        assertFalse(RedisCommandFactory.clientId().needsOwnConnection());
        assertTrue(RedisCommandFactory.clientSetName("n").has(Flag.CONNECTION_STATE));
        assertTrue(RedisCommandFactory.raw("CLIENT".getBytes(StandardCharsets.UTF_8), "SETNAME".getBytes(StandardCharsets.UTF_8),
                "n".getBytes(StandardCharsets.UTF_8)).has(Flag.CONNECTION_STATE), "binary arguments are looked up too");
    }

    @Test
    void expireIsPexpireInMillisecondsOnEveryFrontEnd() {
        RedisCommand<Boolean> seconds = RedisCommandFactory.expire("k", Duration.ofSeconds(5));
        assertEquals("PEXPIRE", seconds.name());
        assertEquals("5000", new String(seconds.argument(2), StandardCharsets.UTF_8));
        assertEquals("1500", new String(RedisCommandFactory.expire("k", Duration.ofMillis(1500)).argument(2), StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisCommandFactory.expire("k", Duration.ofNanos(1_500_000)));
        assertTrue(e.getMessage().contains("whole milliseconds"), e.getMessage());
    }

    @Test
    void badArgumentsAreRefusedWhenTheCommandIsBuilt() {
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> RedisCommandFactory.get((String) null));
        assertEquals("command argument must not be null (GET)", nul.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisCommandFactory.raw("SET", "k", new Object()));
        assertThrows(IllegalArgumentException.class, () -> RedisCommandFactory.raw());
        assertThrows(IllegalArgumentException.class, () -> RedisCommandFactory.blpop(Duration.ofSeconds(-1), "q"));
    }

    @Test
    void decodersTurnRepliesIntoTypedResults() {
        RedisReply one = new RedisReply.IntegerReply(1);
        assertEquals(Boolean.TRUE, RedisCommandFactory.expire("k", Duration.ofSeconds(1)).decode(one));
        assertEquals(1L, RedisCommandFactory.incr("k").decode(one));
        assertNull(RedisCommandFactory.zscore("z", "m").decode(RedisReply.NullReply.INSTANCE));
        assertEquals(java.util.Optional.empty(), RedisCommandFactory.blpop(Duration.ZERO, "q").decode(RedisReply.NullReply.INSTANCE));
    }
}
