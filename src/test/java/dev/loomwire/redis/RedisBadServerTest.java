package dev.loomwire.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scripted fake server sending what a broken or hostile server might: every case ends quickly
 * with a clear {@link RedisConnectionException} (never a hang, never an OutOfMemoryError), and
 * the connection is closed afterwards.
 */
@Timeout(20)
class RedisBadServerTest {

    static RedisConnectionException brokenBy(String reply) throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> cmd.get(0).equals("PING") ? "+PONG\r\n" : reply)) {
            try (RedisConnection c = RedisConnection.connect(fake.uri("timeout=1"))) {
                assertEquals("PONG", c.ping());
                RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> c.get("k"));
                assertTrue(c.isBroken(), "marked broken");
                assertFalse(c.isOpen());
                RedisConnectionException again = assertThrows(RedisConnectionException.class, c::ping);
                assertTrue(again.getMessage().contains("broken by an earlier failure"), again.getMessage());
                return e;
            }
        }
    }

    @Test
    void bulkLengthAboveTheLimitDoesNotAllocateIt() throws IOException {
        RedisConnectionException e = brokenBy("$2147483647\r\nabc");
        assertTrue(e.getMessage().contains("exceeds the limit of 536870912 bytes"), e.getMessage());
    }

    @Test
    void configuredBulkLimit() throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> "$11\r\nhello world\r\n")) {
            RedisConfig config = RedisConfig.fromUri(fake.uri("")).toBuilder().maxBulkLength(10).build();
            try (RedisConnection c = RedisConnection.connect(config)) {
                RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> c.get("k"));
                assertTrue(e.getMessage().contains("bulk string length 11 exceeds the limit of 10 bytes"), e.getMessage());
            }
        }
    }

    @Test
    void bulkLengthLargerThanSentThenClose() throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> cmd.get(0).equals("GET") ? "$536870912\r\nabc" : "+OK\r\n")) {
            try (RedisConnection c = RedisConnection.connect(fake.uri("timeout=1"))) {
                // the fake sends 3 of 512 MiB declared, then stays silent: the read timeout ends the wait
                RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> c.get("k"));
                assertTrue(e.getMessage().contains("timed out after 1 s"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedStream() throws IOException {
        String[] step = {"$10\r\nabc"};
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> switch (cmd.get(0)) {
            case "GET" -> step[0];
            default -> FakeRedisServer.CLOSE;
        })) {
            try (RedisConnection c = RedisConnection.connect(fake.uri("timeout=5"))) {
                RedisPipeline p = c.pipeline().command("GET", "k").command("QUIT");
                long t0 = System.nanoTime();
                RedisConnectionException e = assertThrows(RedisConnectionException.class, p::execute);
                assertTrue(e.getMessage().contains("closed the connection in the middle of a reply (truncated stream)"), e.getMessage());
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "no wait for the timeout");
            }
        }
    }

    @Test
    void hugeArrayCountThenClose() throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> cmd.get(0).equals("KEYS")
                ? "*268435456\r\n:1\r\n:2\r\n" : FakeRedisServer.CLOSE)) {
            try (RedisConnection c = RedisConnection.connect(fake.uri(""))) {
                RedisConnectionException e = assertThrows(RedisConnectionException.class,
                        () -> c.pipeline().command("KEYS", "*").command("QUIT").execute());
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
        }
        RedisConnectionException tooMany = brokenBy("*2147483648\r\n");
        assertTrue(tooMany.getMessage().contains("exceeds the limit"), tooMany.getMessage());
    }

    @Test
    void badTypeByte() throws IOException {
        RedisConnectionException e = brokenBy("?what\r\n");
        assertTrue(e.getMessage().contains("unexpected RESP type byte 0x3f ('?')"), e.getMessage());
    }

    @Test
    void malformedNumbersAndFraming() throws IOException {
        assertTrue(brokenBy(":12x\r\n").getMessage().contains("bad integer"));
        assertTrue(brokenBy("$3\r\nabcd\r\n").getMessage().contains("not followed by CRLF"));
        assertTrue(brokenBy("+OK\rX").getMessage().contains("CRLF"));
    }

    @Test
    void endlessLineWithoutCrlf() throws IOException {
        RedisConnectionException e = brokenBy("+" + "x".repeat(1_100_000));
        assertTrue(e.getMessage().contains("longer than 1048576 bytes"), e.getMessage());
    }

    @Test
    void serverWithoutHelloFallsBackToAuthAndResp2() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> switch (cmd.get(0)) {
            case "HELLO" -> "-ERR unknown command 'HELLO', with args beginning with: '3'\r\n";
            case "AUTH" -> cmd.get(1).equals("pw") ? "+OK\r\n" : "-ERR invalid password\r\n";
            case "SELECT" -> "+OK\r\n";
            case "CLIENT" -> "+OK\r\n";
            case "GET" -> "$5\r\nhello\r\n";
            default -> "-ERR unexpected\r\n";
        })) {
            try (RedisConnection c = RedisConnection.connect("redis://:pw@127.0.0.1:" + fake.port() + "/3?client_name=old")) {
                assertEquals(2, c.protocol());
                assertEquals("hello", c.get("k"));
            }
            List<String> names = fake.commands.stream().map(cmd -> cmd.get(0)).toList();
            assertEquals(List.of("HELLO", "SELECT", "AUTH", "CLIENT", "SELECT", "GET"), names);
            assertEquals(List.of("AUTH", "pw"), fake.commands.get(2), "single-argument AUTH for the default user");
            assertEquals(List.of("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "old"), fake.commands.get(0));

            RedisServerException e = assertThrows(RedisServerException.class,
                    () -> RedisConnection.connect("redis://:bad@127.0.0.1:" + fake.port()));
            assertTrue(e.getMessage().startsWith("authentication as the default user failed: ERR invalid password"), e.getMessage());
        }
    }

    @Test
    void protocol2UsesAuthWithoutHello() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> switch (cmd.get(0)) {
            case "AUTH" -> "+OK\r\n";
            case "PING" -> "+PONG\r\n";
            default -> "-ERR unexpected " + cmd.get(0) + "\r\n";
        })) {
            try (RedisConnection c = RedisConnection.connect("redis://u:p@127.0.0.1:" + fake.port() + "?protocol=2")) {
                assertEquals(2, c.protocol());
                assertEquals("PONG", c.ping());
            }
            assertEquals(List.of("AUTH", "u", "p"), fake.commands.get(0));
        }
    }

    @Test
    void serverClosingAtOnceLooksLikeATlsPort() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> FakeRedisServer.CLOSE)) {
            RedisConnectionException e = assertThrows(RedisConnectionException.class,
                    () -> RedisConnection.connect(fake.uri("")));
            assertTrue(e.getMessage().contains("closed the connection: is port " + fake.port() + " a TLS port? use rediss://"),
                    e.getMessage());
        }
    }

    @Test
    void nonRedisServerIsNamedAsSuch() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> "HTTP/1.1 400 Bad Request\r\n\r\n")) {
            RedisConnectionException e = assertThrows(RedisConnectionException.class,
                    () -> RedisConnection.connect(fake.uri("")));
            assertTrue(e.getMessage().contains("unexpected RESP type byte 0x48 ('H')"), e.getMessage());
        }
    }

    @Test
    void silentServerIsBoundedByConnectTimeout() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> FakeRedisServer.SILENT)) {
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class,
                    () -> RedisConnection.connect(fake.uri("connect_timeout=700ms&timeout=60")));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void silentServerUnderTlsIsBoundedByConnectTimeout() throws IOException {
        try (FakeRedisServer fake = new FakeRedisServer(cmd -> FakeRedisServer.SILENT)) {
            long t0 = System.nanoTime();
            RedisConnectionException e = assertThrows(RedisConnectionException.class,
                    () -> RedisConnection.connect("rediss://127.0.0.1:" + fake.port() + "?sslverify=none&connect_timeout=700ms"));
            // connect_timeout ends the wait: the bound only tells a hang from a timeout, not speed
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "connect_timeout=700ms did not end the wait");
            assertEquals(dev.loomwire.error.ErrorCategory.TIMEOUT, e.category());
            assertEquals(java.util.Optional.of(dev.loomwire.error.TimeoutKind.CONNECT), e.timeoutKind());
            assertTrue(e.safeToRetry());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test
    void connectionRefusedNamesThePort() {
        RedisConnectionException e = assertThrows(RedisConnectionException.class,
                () -> RedisConnection.connect("redis://127.0.0.1:1"));
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }

    @Test
    void errorReplyKeepsTheConnectionUsable() throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd -> switch (cmd.get(0)) {
            case "GET" -> "-MOVED 3999 127.0.0.1:6381\r\n";
            case "SET" -> "!21\r\nSYNTAX invalid syntax\r\n";
            default -> "+PONG\r\n";
        })) {
            try (RedisConnection c = RedisConnection.connect(fake.uri(""))) {
                RedisServerException moved = assertThrows(RedisServerException.class, () -> c.get("k"));
                assertEquals("MOVED", moved.code());
                assertEquals("MOVED 3999 127.0.0.1:6381", moved.serverMessage());
                assertEquals("SYNTAX", assertThrows(RedisServerException.class, () -> c.set("k", "v")).code());
                assertEquals("PONG", c.ping());
                assertTrue(c.isOpen());
            }
        }
    }

    @Test
    void pushMessagesBetweenRepliesGoToTheListener() throws IOException {
        try (FakeRedisServer fake = FakeRedisServer.afterHello(cmd ->
                ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+PONG\r\n")) {
            try (RedisConnection c = RedisConnection.connect(fake.uri(""))) {
                List<RedisReply.PushReply> pushes = new java.util.ArrayList<>();
                c.onPush(pushes::add);
                assertEquals("PONG", c.ping());
                assertEquals(1, pushes.size());
                assertEquals("invalidate", pushes.get(0).kind());
            }
        }
    }
}
