package dev.loomwire.redis;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.redis.ClusterNode.Role;
import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RedisClusterClient} against the real 3+3 TLS cluster whose nodes announce host names
 * ({@code nodeN.cluster.test}, one certificate per node): routing by slot, split multi-key
 * commands, pipelines grouped per node, single-slot transactions, replicas for reads, sharded
 * pub/sub, all-node commands, the topology with its TLS facts, and close.
 */
class RedisClusterClientTest {
    private final RedisCluster cluster = TestServers.redisCluster();
    private final String prefix = "cc:" + UUID.randomUUID() + ":";

    /** Keys that land on every primary. */
    private List<String> keysOnEveryShard() {
        Map<Integer, String> byShard = new LinkedHashMap<>();
        for (int i = 0; byShard.size() < 3; i++) {
            String key = prefix + i;
            byShard.putIfAbsent(ClusterSlots.slot(key) * 3 / ClusterSlots.SLOTS, key);
        }
        return new ArrayList<>(byShard.values());
    }

    @Test
    void commandsGoToTheNodeOwningTheirSlot() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            List<String> keys = keysOnEveryShard();
            for (String key : keys) {
                client.set(key, "value of " + key);
            }
            for (String key : keys) {
                assertEquals("value of " + key, client.get(key));
                assertEquals("value of " + key, client.command("GET", key).asString());
                assertEquals(ClusterSlots.slot(key), cluster.slotOf(key), "CRC16 agrees with CLUSTER KEYSLOT");
                assertEquals("value of " + key, cluster.ownerOf(ClusterSlots.slot(key)).command("GET", key),
                        "stored on the owner itself");
            }
            assertEquals(1, client.command("HSET", prefix + "h", "f", "v").asLong());
            assertEquals("v", client.command("HGET".getBytes(), (prefix + "h").getBytes(), "f".getBytes()).asString());
            assertEquals("value of " + keys.get(1), client.command("EVAL", "return redis.call('GET', KEYS[1])", "1", keys.get(1)).asString(),
                    "numkeys commands route by their keys");
            assertEquals("PONG", client.command("PING").asString(), "keyless commands go to a primary");
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class, () -> client.command("BLPOP", "x", "1"));
            assertTrue(blocking.getMessage().contains("withConnection"), blocking.getMessage());
        }
    }

    @Test
    void typedCommandsRouteByTheKeyPositionsTheFactoryDefines() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            RedisCommands commands = client; // the same interface as RedisConnection and RedisClient
            List<String> keys = keysOnEveryShard();
            for (String k : keys) {
                assertTrue(commands.hset(k + ":h", "f", k));
                assertEquals(k, commands.hget(k + ":h", "f"));
                assertEquals(2, commands.rpush(k + ":l", "a", "b"));
                assertEquals(Optional.of(Map.entry(k + ":l", "a")), commands.blpop(Duration.ofSeconds(1), k + ":l"),
                        "BLOCKING commands run on a pooled connection of the key's node");
                assertEquals(1, commands.incr(k + ":n"));
                assertTrue(commands.expire(k + ":n", Duration.ofMinutes(1)));
            }
            assertEquals("PONG", commands.ping());
            String sha = commands.scriptLoad("return 1");
            assertEquals(3, client.commandOnAllPrimaries("SCRIPT", "EXISTS", sha).size(), "SCRIPT LOAD (ALL_NODES) ran on every primary");
            client.commandOnAllPrimaries("SCRIPT", "EXISTS", sha).values().forEach(r -> assertEquals(1, r.asList().get(0).asLong()));
            assertTrue(client.command("DBSIZE").asLong() >= 3 * keys.size(), "DBSIZE (ALL_NODES) is summed over the primaries");
            IllegalArgumentException state = assertThrows(IllegalArgumentException.class, () -> client.command("SELECT", "1"));
            assertTrue(state.getMessage().contains("withConnection"), state.getMessage());
        }
    }

    @Test
    void multiKeyCommandsAreSplitPerSlotAndReassembledInOrder() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            List<String> keys = keysOnEveryShard();
            Map<String, String> values = new LinkedHashMap<>();
            for (String k : keys) {
                values.put(k, "v-" + k);
            }
            client.mset(values);
            List<String> asked = List.of(keys.get(2), prefix + "missing", keys.get(0), keys.get(1));
            assertEquals(java.util.Arrays.asList("v-" + keys.get(2), null, "v-" + keys.get(0), "v-" + keys.get(1)),
                    client.mget(asked.toArray(String[]::new)));
            assertEquals(3, client.exists(keys.toArray(String[]::new)));
            assertEquals(3, client.command(cat("TOUCH", keys)).asLong());
            assertEquals(2, client.command("UNLINK", keys.get(0), keys.get(1), prefix + "missing").asLong());
            assertEquals(1, client.del(keys.get(0), keys.get(1), keys.get(2)));
            assertEquals(0, client.exists(keys.toArray(String[]::new)));
        }
    }

    @Test
    void pipelinesGroupCommandsPerNodeAndKeepTheCallersOrder() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            List<String> keys = keysOnEveryShard();
            List<RedisResponse<Long>> counters = new ArrayList<>();
            List<RedisReply> replies = client.pipeline(p -> {
                for (String k : keys) {
                    p.command("SET", k, "p-" + k);
                }
                for (String k : keys.reversed()) {
                    p.command("GET", k);
                }
                p.command("INCR", keys.get(0));
                p.command("PING");
                for (String k : keys) {
                    counters.add(p.add(RedisCommandFactory.incr(k + ":counter")));
                }
            });
            assertEquals(keys.size() * 3 + 2, replies.size());
            for (RedisResponse<Long> c : counters) {
                assertEquals(1L, c.get(), "typed handles are filled from their node's reply");
            }
            for (int i = 0; i < keys.size(); i++) {
                assertEquals("OK", replies.get(i).asString());
                assertEquals("p-" + keys.get(keys.size() - 1 - i), replies.get(keys.size() + i).asString());
            }
            assertInstanceOf(RedisReply.ErrorReply.class, replies.get(keys.size() * 2), "errors stay in their slot");
            assertEquals("PONG", replies.get(keys.size() * 2 + 1).asString());
        }
    }

    @Test
    void pipelinedCommandsFollowTheirOwnRedirects() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri("cluster_refresh_period=0"))) {
            List<String> keys = keysOnEveryShard();
            for (String k : keys) {
                client.set(k, "before " + k);
            }
            int slot = ClusterSlots.slot(keys.get(0));
            RedisCluster.Node owner = cluster.ownerOf(slot);
            RedisCluster.Node other = cluster.shards().stream().map(RedisCluster.Shard::primary).filter(p -> p != owner)
                    .findFirst().orElseThrow();
            try {
                cluster.migrateSlot(slot, other); // the client still maps the slot to its old owner
                List<RedisReply> replies = client.pipeline(p -> {
                    for (String k : keys) {
                        p.command("GET", k);
                    }
                });
                for (int i = 0; i < keys.size(); i++) {
                    assertEquals("before " + keys.get(i), replies.get(i).asString(), "MOVED followed for the moved key only");
                }
                assertEquals(other.id(), client.withConnection(keys.get(0), c -> c.command("CLUSTER", "MYID").asString()));
            } finally {
                cluster.reset();
            }
        }
    }

    @Test
    void transactionsRunOnTheSlotsPrimaryAndRefuseCrossSlotKeysBeforeSending() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            String a = "{" + prefix + "}a";
            String b = "{" + prefix + "}b";
            Optional<List<RedisReply>> result = client.transaction(t -> t.command("SET", a, "1").command("INCR", a).command("SET", b, "x"));
            assertEquals(List.of("OK", "2", "OK"), result.orElseThrow().stream().map(RedisReply::asString).toList());

            List<String> keys = keysOnEveryShard();
            RedisClusterException e = assertThrows(RedisClusterException.class,
                    () -> client.transaction(t -> t.command("SET", keys.get(0), "1").command("SET", keys.get(1), "1")));
            assertEquals(RedisClusterException.Kind.CROSSSLOT, e.kind());
            assertTrue(e.getMessage().contains(keys.get(0)) && e.getMessage().contains(keys.get(1))
                    && e.getMessage().contains("hash tag"), e.getMessage());
            assertNull(client.get(keys.get(0)), "nothing was sent");
        }
    }

    @Test
    void withConnectionLendsAConnectionOnTheKeysPrimary() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            String list = prefix + "list";
            client.command("RPUSH", list, "a");
            Optional<Map.Entry<String, String>> popped = client.withConnection(list, c -> c.blpop(Duration.ofSeconds(1), list));
            assertEquals(Map.entry(list, "a"), popped.orElseThrow());
            String owner = client.withConnection(list, c -> c.command("CLUSTER", "MYID").asString());
            assertEquals(cluster.ownerOf(ClusterSlots.slot(list)).id(), owner);
        }
    }

    @Test
    void shardedPubSubIsRoutedBySlot() throws Exception {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            String channel = prefix + "news";
            PubSubMessage got = client.withConnection(channel, c -> {
                try (RedisSubscription s = c.ssubscribe(channel)) {
                    Thread.ofVirtual().start(() -> client.spublish(channel, "hello"));
                    return s.receive(Duration.ofSeconds(5)).orElseThrow();
                }
            });
            assertEquals(channel, got.channel());
            assertEquals("hello", new String(got.payload()));
            assertEquals(0, client.publish(prefix + "nobody", "x"));
        }
    }

    @Test
    void allNodeCommandsRunOnEveryPrimary() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            Map<HostAndPort, RedisReply> ids = client.commandOnAllPrimaries("CLUSTER", "MYID");
            assertEquals(cluster.shards().stream().map(s -> s.primary().id()).collect(Collectors.toSet()),
                    ids.values().stream().map(RedisReply::asString).collect(Collectors.toSet()));
            assertEquals(6, client.commandOnAllNodes("PING").size());
        }
    }

    @Test
    void replicasServeReadsUnderReadFromReplica() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri("readFrom=replica"))) {
            String key = prefix + "r";
            client.set(key, "v");
            client.withConnection(key, c -> c.command("WAIT", "1", "2000"));
            RedisCluster.Node replica = cluster.shards().stream().filter(s -> s.primary() == cluster.ownerOf(ClusterSlots.slot(key)))
                    .findFirst().orElseThrow().replicas().get(0);
            long before = getCalls(replica);
            assertEquals("v", client.get(key));
            assertEquals("v", client.command("GET", key).asString());
            assertEquals(before + 2, getCalls(replica), "both reads were served by the replica (READONLY was sent)");
        }
    }

    private static long getCalls(RedisCluster.Node node) {
        String stats = (String) node.command("INFO", "commandstats");
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_get:")) {
                return Long.parseLong(line.replaceAll("^cmdstat_get:calls=(\\d+),.*", "$1"));
            }
        }
        return 0;
    }

    @Test
    void topologyShowsSlotsNodesRolesAndTlsFacts() {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            ClusterTopology t = client.topology();
            assertEquals(3, t.shards().size());
            assertEquals(0, t.uncoveredSlots());
            assertEquals(6, t.nodes().size());
            for (ClusterTopology.Shard s : t.shards()) {
                assertEquals(Role.PRIMARY, s.primary().role());
                assertEquals(1, s.replicas().size());
            }
            for (ClusterNode n : t.nodes()) {
                RedisCluster.Node harness = cluster.nodes().stream().filter(h -> h.id().equals(n.id())).findFirst().orElseThrow();
                assertEquals(new HostAndPort(harness.announcedHost(), harness.tlsPort()), n.address());
                assertEquals(harness.announcedHost(), n.hostname());
                NodeTls.Connected tls = assertInstanceOf(NodeTls.Connected.class, n.tls(), n.toString());
                assertEquals(harness.announcedHost(), tls.nameChecked(), "checked against the announced name");
                assertEquals(harness.announcedHost(), tls.sni());
                assertEquals("full", tls.verification());
                assertTrue(tls.subjectAltNames().contains(harness.announcedHost()), tls.subjectAltNames().toString());
            }
        }
    }

    @Test
    void periodicRefreshPicksUpASlotMovedBehindTheClientsBack() throws Exception {
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri("cluster_refresh_period=300ms"))) {
            String key = prefix + "moved";
            int slot = ClusterSlots.slot(key);
            RedisCluster.Node owner = cluster.ownerOf(slot);
            RedisCluster.Node other = cluster.shards().stream().map(RedisCluster.Shard::primary).filter(p -> p != owner)
                    .findFirst().orElseThrow();
            try {
                cluster.migrateSlot(slot, other);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!client.topology().shardOf(slot).orElseThrow().primary().id().equals(other.id())) {
                    assertTrue(System.nanoTime() < deadline, "the periodic refresh did not see slot " + slot + " move");
                    Thread.sleep(50);
                }
            } finally {
                cluster.reset();
            }
        }
    }

    @Test
    void aNodeThatLeavesTheClusterIsDropped() throws Exception {
        try (RedisCluster own = TestServers.startRedisCluster(RedisCluster.Options.hostnames());
             RedisClusterClient client = RedisClusterClient.create(own.uri(""))) {
            assertEquals(6, client.topology().nodes().size());
            RedisCluster.Node gone = own.node(6);
            gone.kill();
            for (int n = 1; n <= 5; n++) {
                own.node(n).command("CLUSTER", "FORGET", gone.id());
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (client.topology().nodes().stream().anyMatch(n -> n.id().equals(gone.id()))) {
                assertTrue(System.nanoTime() < deadline, "node6 still in the client's topology: " + client.topology());
                client.refreshTopology();
                Thread.sleep(100);
            }
            assertEquals(5, client.topology().nodes().size());
            for (String key : keysOnEveryShard()) {
                client.set(key, "after");
                assertEquals("after", client.get(key));
            }
        }
    }

    @Test
    void closeClosesEveryNode() {
        RedisClusterClient client = RedisClusterClient.create(cluster.uri(""));
        client.set(prefix + "c", "v");
        client.close();
        assertThrows(PoolClosedException.class, () -> client.get(prefix + "c"));
        assertThrows(PoolClosedException.class, () -> client.pipeline(p -> p.command("PING")));
    }

    private static String[] cat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
