package dev.loomwire.redis;

import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to every node of the real cluster is verified like the seed: IP-announced nodes whose
 * certificate names only {@code localhost} fail closed under {@code sslverify=full} with the fix
 * in the message, and pass with {@code cluster_tls_name=localhost}; {@code cluster_tls_name=seed}
 * does not pass nodes whose certificates lack the seed's name; one node with a certificate from
 * another CA is refused by name while the others serve; the address mapper changes where to
 * dial, never the name checked.
 */
class RedisClusterTlsTest {
    private final String prefix = "tls:" + UUID.randomUUID() + ":";

    @Test
    void ipAnnouncedNodesFailClosedUnderFullVerificationAndNameTheFix() {
        RedisCluster ips = TestServers.redisClusterByIp();
        String uri = "rediss://" + ips.seeds("localhost") + "/?sslrootcert=" + ips.caFile();
        RedisClusterException e = assertThrows(RedisClusterException.class, () -> RedisClusterClient.create(uri));
        assertEquals(RedisClusterException.Kind.NODE_TLS_REFUSED, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("127.0.0.1:" + ips.node(1).tlsPort()), "names the node: " + m);
        assertTrue(m.contains("checked name \"127.0.0.1\""), "names the name checked: " + m);
        assertTrue(m.contains("localhost"), "lists the certificate's SANs: " + m);
        assertTrue(m.contains("cluster_tls_name="), "names the parameter that fixes it: " + m);
    }

    @Test
    void ipAnnouncedNodesPassWithAnExplicitClusterTlsName() {
        RedisCluster ips = TestServers.redisClusterByIp();
        String uri = "rediss://" + ips.seeds("localhost") + "/?sslrootcert=" + ips.caFile() + "&cluster_tls_name=localhost";
        try (RedisClusterClient client = RedisClusterClient.create(uri)) {
            for (int i = 0; i < 20; i++) {
                client.set(prefix + i, "v" + i);
                assertEquals("v" + i, client.get(prefix + i));
            }
            for (ClusterNode n : client.topology().nodes()) {
                assertEquals("127.0.0.1", n.address().host());
                NodeTls.Connected tls = assertInstanceOf(NodeTls.Connected.class, n.tls(), n.toString());
                assertEquals("localhost", tls.nameChecked());
                assertEquals("full", tls.verification());
            }
        }
    }

    @Test
    void sslverifyCaStaysCaForEveryDiscoveredNode() {
        RedisCluster ips = TestServers.redisClusterByIp();
        String uri = "rediss://" + ips.seeds("localhost") + "/?sslrootcert=" + ips.caFile() + "&sslverify=ca";
        try (RedisClusterClient client = RedisClusterClient.create(uri)) {
            client.set(prefix + "ca", "v");
            assertEquals("v", client.get(prefix + "ca"));
            for (ClusterNode n : client.topology().nodes()) {
                NodeTls.Connected tls = assertInstanceOf(NodeTls.Connected.class, n.tls(), n.toString());
                assertEquals("ca", tls.verification(), "the seed's level, neither raised nor lowered");
            }
        }
        String wrongCa = "rediss://" + ips.seeds("localhost") + "/?sslrootcert=" + dev.loomwire.testing.TestCerts.file("other-ca.crt")
                + "&sslverify=ca";
        RedisClusterException e = assertThrows(RedisClusterException.class, () -> RedisClusterClient.create(wrongCa));
        assertEquals(RedisClusterException.Kind.NO_SEED_REACHABLE, e.kind(), "the chain is still checked under ca");
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }

    @Test
    void seedModeDoesNotPassNodesWhoseCertificateLacksTheSeedsName() {
        RedisCluster cluster = TestServers.redisCluster();
        RedisClusterException e = assertThrows(RedisClusterException.class, () -> {
            try (RedisClusterClient client = RedisClusterClient.create(cluster.uri("cluster_tls_name=seed"))) {
                for (int i = 0; i < 100; i++) {
                    client.set(prefix + i, "v"); // some key lands on a node other than node1
                }
            }
        });
        // every node has a certificate for its own name only: node1's name fits node1 alone
        assertEquals(RedisClusterException.Kind.NODE_TLS_REFUSED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("cluster_tls_name=seed"), e.getMessage());
    }

    @Test
    void aNodeWithACertificateFromAnotherCaIsRefusedByNameWhileTheOthersServe() {
        RedisCluster cluster = TestServers.redisCluster();
        RedisCluster.Node bad = cluster.node(2);
        bad.useCertificate("server-other-ca");
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""))) {
            String onBad = null;
            String onGood = null;
            for (int i = 0; onBad == null || onGood == null; i++) {
                String key = prefix + i;
                if (cluster.ownerOf(ClusterSlots.slot(key)) == bad) {
                    onBad = onBad == null ? key : onBad;
                } else {
                    onGood = onGood == null ? key : onGood;
                }
            }
            client.set(onGood, "fine");
            assertEquals("fine", client.get(onGood));
            String badKey = onBad;
            RedisClusterException e = assertThrows(RedisClusterException.class, () -> client.set(badKey, "x"));
            assertEquals(RedisClusterException.Kind.NODE_TLS_REFUSED, e.kind());
            assertTrue(e.getMessage().contains(bad.address()) && e.getMessage().contains("not trusted")
                    && e.getMessage().contains("sslrootcert"), e.getMessage());
            ClusterNode refused = client.topology().nodes().stream().filter(n -> n.id().equals(bad.id())).findFirst().orElseThrow();
            assertInstanceOf(NodeTls.Refused.class, refused.tls());
        } finally {
            bad.useCertificate(cluster.options().certificate().replace("{n}", "2"));
        }
    }

    @Test
    void theAddressMapperChangesWhereToDialButNotTheNameChecked() {
        RedisCluster cluster = TestServers.redisCluster();
        List<HostAndPort> dialed = new java.util.concurrent.CopyOnWriteArrayList<>();
        RedisClusterSettings settings = RedisClusterSettings.builder().addressMapper(a -> {
            dialed.add(a);
            return new HostAndPort("127.0.0.1", a.port());
        }).build();
        try (RedisClusterClient client = RedisClusterClient.create(cluster.uri(""), settings)) {
            client.set(prefix + "m", "v");
            assertEquals("v", client.get(prefix + "m"));
            for (ClusterNode n : client.topology().nodes()) {
                NodeTls.Connected tls = assertInstanceOf(NodeTls.Connected.class, n.tls());
                assertEquals(new HostAndPort("127.0.0.1", n.address().port()), tls.dialed());
                assertEquals(n.address().host(), tls.nameChecked(), "still verified against the announced name");
            }
            assertTrue(dialed.stream().allMatch(a -> a.host().endsWith("." + RedisCluster.DOMAIN)), dialed.toString());
        }
    }
}
