package dev.loomwire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.RedisCluster.Node;
import dev.loomwire.testing.RedisCluster.Shard;
import dev.loomwire.testing.RedisCluster.SlotMigration;
import dev.loomwire.testing.RedisCluster.SlotRange;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The TLS Redis Clusters of the harness start quickly, are laid out as documented, and the fault helpers work. */
class RedisClusterTest {
    private static final SSLContext TRUST_CA = RawTls.context(TestCerts.file("ca.crt"), null, null);

    @Test
    void hostnameClusterIsHealthyWithThreeShardsOfPrimaryAndReplica() {
        RedisCluster cluster = TestServers.redisCluster();
        assertInitialLayout(cluster);
        assertTrue(TestServers.startupTimes().get("redis-cluster").compareTo(Duration.ofSeconds(30)) < 0,
                "started in " + TestServers.startupTimes().get("redis-cluster"));
        for (Node node : cluster.nodes()) {
            assertEquals(0L, toLong(((List<?>) node.command("CONFIG", "GET", "port")).get(1)), node + " has no plain port");
            assertEquals("yes", ((List<?>) node.command("CONFIG", "GET", "tls-cluster")).get(1));
        }
    }

    /** Every node announces nodeN.cluster.test, the name resolves to 127.0.0.1 here, and the node's certificate is for that name only. */
    @Test
    void hostnameClusterNodesAnnounceNamesTheirCertificatesMatch() throws IOException {
        RedisCluster cluster = TestServers.redisCluster();
        for (Node node : cluster.nodes()) {
            String name = "node" + node.number() + ".cluster.test";
            assertEquals(name, node.announcedHost());
            assertEquals(node.announcedHost(), node.tlsName());
            assertTrue(InetAddress.getByName(name).isLoopbackAddress(), name + " via " + RedisCluster.hostsFile());
            try (SSLSocket tls = RawTls.connect(TRUST_CA, name, node.tlsPort(), name)) {
                assertEquals("+PONG", RawTls.redisCommand(tls, "PING"));
            }
            assertThrows(SSLHandshakeException.class, () -> RawTls.connect(TRUST_CA, node.host(), node.tlsPort(), "localhost").close());
        }
        List<?> slots = (List<?>) cluster.node(4).command("CLUSTER", "SLOTS");
        assertEquals(3, slots.size());
        for (Object range : slots) {
            List<?> primary = (List<?>) ((List<?>) range).get(2);
            assertTrue(((String) primary.get(0)).matches("node[1-3]\\.cluster\\.test"), String.valueOf(primary));
            assertEquals(4, ((List<?>) range).size(), "primary and one replica listed: " + range);
        }
        int slot = cluster.slotOf("somekey");
        Node notOwner = cluster.nodes().stream().filter(n -> n != cluster.ownerOf(slot) && n.number() <= 3).findFirst().orElseThrow();
        IllegalStateException moved = assertThrows(IllegalStateException.class, () -> notOwner.command("GET", "somekey"));
        assertTrue(moved.getMessage().contains("MOVED " + slot + " " + cluster.ownerOf(slot).address()), moved.getMessage());
    }

    /** Nodes announce 127.0.0.1 but their certificate names only DNS:localhost: the mismatch clients must handle. */
    @Test
    void ipClusterNodesAnnounceAddressesTheirCertificatesDoNotName() throws IOException {
        RedisCluster cluster = TestServers.redisClusterByIp();
        assertInitialLayout(cluster);
        for (Node node : cluster.nodes()) {
            assertEquals("127.0.0.1", node.announcedHost());
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> RawTls.connect(TRUST_CA, node.host(), node.tlsPort(), node.host()).close());
            assertTrue(String.valueOf(e.getMessage()).contains("No subject alternative names matching IP address"), e.getMessage());
            try (SSLSocket tls = RawTls.connect(TRUST_CA, node.host(), node.tlsPort(), "localhost")) {
                assertEquals("+PONG", RawTls.redisCommand(tls, "PING"));
            }
        }
        List<?> slots = (List<?>) cluster.node(1).command("CLUSTER", "SLOTS");
        assertEquals("127.0.0.1", ((List<?>) ((List<?>) slots.get(0)).get(2)).get(0));
        assertTrue(cluster.seeds("localhost").startsWith("localhost:" + cluster.node(1).tlsPort() + ","));
    }

    /** kill -9 of a primary, restart, CLUSTER FAILOVER, a slot migration with keys, then reset(): back to the initial layout. */
    @Test
    void faultHelpersBreakAndResetTheSharedCluster() {
        RedisCluster cluster = TestServers.redisCluster();
        try {
            Node primary = cluster.node(1);
            Node replica = cluster.node(4);
            primary.kill();
            assertTrue(!primary.isRunning());
            cluster.awaitHealthy();
            assertEquals("master", replica.role(), "the replica took over");
            assertSame(replica, cluster.ownerOf(0));

            primary.restart();
            cluster.awaitHealthy();
            assertEquals("slave", primary.role(), "the old primary came back as a replica");

            cluster.failover(primary);
            assertEquals("master", primary.role());
            assertEquals("slave", replica.role());

            int slot = cluster.slotOf("migrating-key");
            Node source = cluster.ownerOf(slot);
            Node target = cluster.shards().stream().map(Shard::primary).filter(p -> p != source).findFirst().orElseThrow();
            source.command("SET", "migrating-key", "v");
            SlotMigration migration = cluster.startMigration(slot, target);
            assertSame(source, migration.source());
            assertEquals(1, migration.migrateKeys(10));
            IllegalStateException ask = assertThrows(IllegalStateException.class, () -> source.command("GET", "migrating-key"));
            assertTrue(ask.getMessage().contains("ASK " + slot + " " + target.address()), ask.getMessage());
            migration.finish();
            assertSame(target, cluster.ownerOf(slot));
            assertEquals("v", target.command("GET", "migrating-key"));

            cluster.startMigration(100, cluster.node(3));
            cluster.node(2).kill();
        } finally {
            cluster.reset();
        }
        assertInitialLayout(cluster);
        assertEquals("v", cluster.ownerOf(cluster.slotOf("migrating-key")).command("GET", "migrating-key"));
        cluster.flushAll();
    }

    @Test
    void startRedisClusterGivesATestItsOwnClusterUntilClosed() {
        int port;
        try (RedisCluster own = TestServers.startRedisCluster(RedisCluster.Options.hostnames()
                .withCertificate("cluster-wildcard", "node{n}.cluster.test"))) {
            assertInitialLayout(own);
            assertEquals("node1.cluster.test", own.node(1).tlsName());
            port = own.node(1).tlsPort();
        }
        assertThrows(IOException.class, () -> new java.net.Socket("127.0.0.1", port).close());
    }

    private static void assertInitialLayout(RedisCluster cluster) {
        cluster.awaitHealthy();
        List<Shard> shards = cluster.shards();
        assertEquals(3, shards.size(), String.valueOf(shards));
        for (int i = 0; i < 3; i++) {
            assertSame(cluster.node(i + 1), shards.get(i).primary());
            assertEquals(List.of(cluster.node(i + 4)), shards.get(i).replicas());
        }
        assertEquals(List.of(new SlotRange(0, 5460)), shards.get(0).slots());
        assertEquals(List.of(new SlotRange(5461, 10922)), shards.get(1).slots());
        assertEquals(List.of(new SlotRange(10923, 16383)), shards.get(2).slots());
    }

    private static long toLong(Object configValue) {
        return Long.parseLong((String) configValue);
    }
}
