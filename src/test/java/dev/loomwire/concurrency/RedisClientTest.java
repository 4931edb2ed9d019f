package dev.loomwire.concurrency;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisServerException;
import dev.loomwire.redis.SetOptions;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RedisClient#createPooled} against the shared TLS Redis server (ACL user, full verification). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisClientTest {
    private static final RedisServer SERVER = TestServers.redis();
    private final String prefix = "client-test:" + UUID.randomUUID();

    private static RedisClient client(PoolSettings.Builder pool) {
        return RedisClient.createPooled(RedisWorkload.tlsUri(SERVER), pool.build());
    }

    @Test
    void everydayCommandsOverTls() {
        try (RedisClient client = client(PoolSettings.builder().maxSize(2))) {
            assertEquals("PONG", client.ping());
            client.set(prefix, "v");
            assertEquals("v", client.get(prefix));
            assertFalse(client.set(prefix, "w", SetOptions.none().onlyIfAbsent()));
            assertEquals(1, client.incr(prefix + ":n"));
            assertEquals(java.util.Arrays.asList("v", null), client.mget(prefix, prefix + ":missing"));
            assertEquals(2, client.rpush(prefix + ":l", "a", "b"));
            assertEquals(List.of("a", "b"), client.lrange(prefix + ":l", 0, -1));
            assertTrue(client.hset(prefix + ":h", "f", "x"));
            assertEquals(Map.of("f", "x"), client.hgetAll(prefix + ":h"));
            assertEquals(4, client.del(prefix, prefix + ":n", prefix + ":l", prefix + ":h"));
            assertThrows(RedisServerException.class, () -> client.command("NOSUCHCOMMAND"));
            assertEquals("PONG", client.ping(), "an error reply leaves the connection in the pool");
            assertEquals(1, client.stats().total());
        }
    }

    @Test
    void pipelineAndTransactionRunOnOneConnection() {
        try (RedisClient client = client(PoolSettings.builder())) {
            List<RedisReply> replies = client.pipeline(p -> p.command("SET", prefix, "1").command("INCR", prefix).command("GET", prefix));
            assertEquals("2", replies.get(2).asString());
            Optional<List<RedisReply>> tx = client.transaction(t -> t.command("INCR", prefix).command("INCR", prefix));
            assertEquals(4, tx.orElseThrow().get(1).asLong());
            client.del(prefix);
        }
    }

    @Test
    void blockingCommandHoldsItsOwnConnection() throws Exception {
        try (RedisClient client = client(PoolSettings.builder().maxSize(2))) {
            Thread popper = Thread.ofVirtual().start(() ->
                    assertEquals(Map.entry(prefix, "x"), client.blpop(Duration.ofSeconds(5), prefix).orElseThrow()));
            while (client.stats().inUse() == 0) {
                Thread.sleep(5);
            }
            assertEquals(1, client.rpush(prefix, "x"));
            popper.join(5000);
            assertFalse(popper.isAlive());
            assertEquals(new PoolStats(2, 2, 0, 0, 0), client.stats());
        }
    }

    @Test
    void acquireTimeoutWhenEveryConnectionIsBlocked() throws Exception {
        try (RedisClient client = client(PoolSettings.builder().maxSize(1).acquireTimeout(Duration.ofMillis(300)))) {
            Thread popper = Thread.ofVirtual().start(() -> client.blpop(Duration.ofSeconds(2), prefix));
            while (client.stats().inUse() == 0) {
                Thread.sleep(5);
            }
            PoolTimeoutException e = assertThrows(PoolTimeoutException.class, client::ping);
            assertTrue(e.getMessage().contains("timed out after 300 ms (acquire_timeout)"), e.getMessage());
            try (RedisConnection other = RedisConnection.connect(RedisWorkload.tlsUri(SERVER))) {
                other.rpush(prefix, "done");
            }
            popper.join(5000);
            assertEquals("PONG", client.ping());
        }
    }

    @Test
    void aConnectionKilledByTheServerIsDiscardedAndReplaced() {
        try (RedisClient client = client(PoolSettings.builder().maxSize(1).validateAfterIdle(Duration.ofHours(1)))) {
            long id = client.withConnection(RedisConnection::clientId);
            try (RedisConnection admin = RedisConnection.connect(RedisWorkload.tlsUri(SERVER))) {
                admin.command("CLIENT", "KILL", "ID", Long.toString(id));
            }
            RedisConnectionException e = assertThrows(RedisConnectionException.class, client::ping);
            assertTrue(e.getMessage().contains("closed the connection") || e.getMessage().startsWith("cannot read from")
                    || e.getMessage().startsWith("cannot send to"), e.getMessage());
            assertEquals(0, client.stats().total(), "broken connection discarded");
            assertNotEquals(id, client.withConnection(RedisConnection::clientId));
        }
    }

    @Test
    void aKilledIdleConnectionIsCaughtByValidationOnBorrow() throws Exception {
        try (RedisClient client = client(PoolSettings.builder().maxSize(1).validateAfterIdle(Duration.ofMillis(50)))) {
            long id = client.withConnection(RedisConnection::clientId);
            try (RedisConnection admin = RedisConnection.connect(RedisWorkload.tlsUri(SERVER))) {
                admin.command("CLIENT", "KILL", "ID", Long.toString(id));
            }
            Thread.sleep(100);
            assertEquals("PONG", client.ping(), "validation found the dead connection and a fresh one was opened");
        }
    }

    @Test
    void aConnectionLeftSubscribedIsNotGivenBack() {
        try (RedisClient client = client(PoolSettings.builder().maxSize(1))) {
            client.withConnection(c -> c.subscribe(prefix));
            assertEquals(0, client.stats().total());
            assertEquals("PONG", client.ping());
        }
    }

    @Test
    void closedClientRefusesCalls() {
        RedisClient client = client(PoolSettings.builder());
        client.ping();
        client.close();
        PoolClosedException e = assertThrows(PoolClosedException.class, client::ping);
        assertEquals("pool redis[localhost:" + SERVER.tlsPort() + "] is closed", e.getMessage());
        assertEquals(0, client.stats().total());
    }

    @Test
    void thousandVirtualThreadsMixedCommandsOverTlsGetOnlyTheirOwnReplies() throws Exception {
        try (RedisClient client = client(PoolSettings.builder().maxSize(32).acquireTimeout(Duration.ofSeconds(30)))) {
            RedisWorkload.Result r = RedisWorkload.run(client, 1000, prefix);
            assertTrue(r.mismatches().isEmpty() && r.failures().isEmpty(), r.summary());
            PoolStats s = client.stats();
            assertEquals(0, s.inUse(), "leaked: " + s);
            assertEquals(0, s.waiting(), s.toString());
            assertEquals(s.total(), s.idle(), s.toString());
            assertTrue(s.total() <= 32, s.toString());
        }
    }
}
