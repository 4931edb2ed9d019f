package dev.loomwire.redis;

import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad seeds fail at create() with a message per seed; cluster-only misuse is named. */
class RedisClusterErrorsTest {
    @Test
    void unreachableAndUnknownSeedsAreEachListedWithTheReason() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String uri = "rediss://127.0.0.1:" + closedPort + ",no-such-node.invalid:7000/?sslrootcert=" + TestCerts.file("ca.crt")
                + "&connect_timeout=2";
        long start = System.nanoTime();
        RedisClusterException e = assertThrows(RedisClusterException.class, () -> RedisClusterClient.create(uri));
        assertEquals(RedisClusterException.Kind.NO_SEED_REACHABLE, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("127.0.0.1:" + closedPort) && m.contains("Connection refused"), m);
        assertTrue(m.contains("no-such-node.invalid:7000") && m.contains("unknown host"), m);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "no hang");
    }

    @Test
    void aSeedThatIsNotAClusterSaysSo() {
        RedisServer single = TestServers.redis();
        String uri = "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:" + single.tlsPort()
                + "/?sslrootcert=" + TestCerts.file("ca.crt");
        RedisClusterException e = assertThrows(RedisClusterException.class, () -> RedisClusterClient.create(uri));
        assertEquals(RedisClusterException.Kind.NOT_A_CLUSTER, e.kind());
        assertTrue(e.getMessage().contains("cluster_enabled:0") && e.getMessage().contains("RedisClient"), e.getMessage());
    }

    @Test
    void aDatabaseOtherThanZeroIsRefused() {
        RedisCluster cluster = TestServers.redisCluster();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisClusterClient.create("rediss://" + cluster.seeds() + "/3?sslrootcert=" + cluster.caFile()));
        assertTrue(e.getMessage().contains("database"), e.getMessage());
    }

    @Test
    void tooManyRedirectsNameTheSlotAndTheNodesTried() {
        RedisCluster cluster = TestServers.redisCluster();
        RedisClusterSettings none = RedisClusterSettings.builder().maxRedirects(0).build();
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""), none)) {
            String key = "redirect:" + java.util.UUID.randomUUID();
            int slot = ClusterSlots.slot(key);
            RedisCluster.Node owner = cluster.ownerOf(slot);
            RedisCluster.Node other = cluster.shards().stream().map(RedisCluster.Shard::primary).filter(p -> p != owner)
                    .findFirst().orElseThrow();
            cluster.migrateSlot(slot, other);
            try {
                RedisClusterException e = assertThrows(RedisClusterException.class, () -> client.set(key, "v"));
                assertEquals(RedisClusterException.Kind.TOO_MANY_REDIRECTS, e.kind());
                assertTrue(e.getMessage().contains("slot " + slot) && e.getMessage().contains(owner.address()), e.getMessage());
            } finally {
                cluster.reset();
            }
        }
    }
}
