package dev.loomwire.redis;

import dev.loomwire.testing.RedisSentinelSet;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A RedisClient from a rediss-sentinel:// URI against the harness's TLS-only Sentinel set (1 primary, 2 replicas, 3 Sentinels). */
class RedisSentinelTest {
    private static final String PREFIX = "sentinel-test:" + ProcessHandle.current().pid() + ":";

    @Test
    void everyRedisClientMethodWorksOnThePrimaryTheSentinelsName() {
        RedisSentinelSet set = TestServers.redisSentinel();
        try (RedisClient client = RedisClient.create(set.uri(""))) {
            client.set(PREFIX + "k", "v");
            assertEquals("v", client.get(PREFIX + "k"));
            assertEquals(1, client.incr(PREFIX + "n"));
            assertEquals(List.of("OK", "v"), client.pipeline(p -> {
                p.command("SET", PREFIX + "p", "x");
                p.command("GET", PREFIX + "k");
            }).stream().map(RedisReply::asString).toList());
            assertEquals(Optional.of(2), client.transaction(t -> {
                t.add(RedisCommandFactory.incr(PREFIX + "n"));
                t.add(RedisCommandFactory.incr(PREFIX + "n"));
            }).map(List::size));
            assertEquals("master", client.withConnection(c -> c.execute(RedisCommandFactory.role())));
            RedisSentinelSet.Node primary = set.primary();
            assertEquals("v", primary.command("GET", PREFIX + "k"), "the write landed on the primary");
            assertEquals(primary.tlsPort(), client.config().port());
            assertEquals("localhost", client.config().host(), "node_tls_name=localhost is the name checked");
            assertTrue(client.toString().contains("primary " + primary.address()), client.toString());
        }
    }

    @Test
    void readFromReplicaSendsReadsToTheReplicasSentinelLists() {
        RedisSentinelSet set = TestServers.redisSentinel();
        try (RedisClient client = RedisClient.create(set.uri("readFrom=replica"))) {
            client.set(PREFIX + "r", "replicated");
            set.primary().command("WAIT", "2", "5000");
            long before = getCalls(set.replicas());
            long primaryBefore = getCalls(List.of(set.primary()));
            for (int i = 0; i < 20; i++) {
                assertEquals("replicated", client.get(PREFIX + "r"));
            }
            assertEquals(20, getCalls(set.replicas()) - before, "every GET went to a replica");
            assertEquals(0, getCalls(List.of(set.primary())) - primaryBefore);
            assertTrue(client.toString().contains("replicas"), client.toString());
        }
    }

    private static long getCalls(List<RedisSentinelSet.Node> nodes) {
        long sum = 0;
        for (RedisSentinelSet.Node n : nodes) {
            String stats = (String) n.command("INFO", "commandstats");
            for (String line : stats.split("\r\n")) {
                if (line.startsWith("cmdstat_get:calls=")) {
                    sum += Long.parseLong(line.substring("cmdstat_get:calls=".length(), line.indexOf(',')));
                }
            }
        }
        return sum;
    }

    @Test
    void noSentinelReachableListsEachSentinel() throws Exception {
        int p1;
        int p2;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            p1 = a.getLocalPort();
            p2 = b.getLocalPort();
        }
        String uri = "rediss-sentinel://localhost:" + p1 + ",localhost:" + p2 + "/?sslrootcert=" + TestCerts.file("ca.crt")
                + "&connect_timeout=1#mymaster";
        RedisSentinelException e = assertThrows(RedisSentinelException.class, () -> RedisClient.create(uri));
        assertEquals(RedisSentinelException.Kind.NO_SENTINEL_REACHABLE, e.kind());
        assertTrue(e.getMessage().contains("Sentinel localhost:" + p1 + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("Sentinel localhost:" + p2 + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("\"mymaster\""), e.getMessage());
    }

    @Test
    void unknownMasterNameSaysNoSentinelMonitorsIt() {
        RedisSentinelSet set = TestServers.redisSentinel();
        String uri = set.uri("").replace("#" + RedisSentinelSet.MASTER, "#nosuchmaster");
        RedisSentinelException e = assertThrows(RedisSentinelException.class, () -> RedisClient.create(uri));
        assertEquals(RedisSentinelException.Kind.UNKNOWN_MASTER, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("no master named \"nosuchmaster\""), e.getMessage());
        for (RedisSentinelSet.Node s : set.sentinels()) {
            assertTrue(e.getMessage().contains("localhost:" + s.tlsPort()), "lists each Sentinel: " + e.getMessage());
        }
    }

    @Test
    void wrongCaForTheSentinelsOnlyFailsOnTheSentinelLinksAndNamesTheParameter() {
        RedisSentinelSet set = TestServers.redisSentinel();
        String otherCa = TestCerts.file("other-ca.crt").toString();
        RedisSentinelException e = assertThrows(RedisSentinelException.class,
                () -> RedisClient.create(set.uri("sentinel_sslrootcert=" + otherCa)));
        assertEquals(RedisSentinelException.Kind.SENTINEL_TLS_REFUSED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("sentinel_sslrootcert"), e.getMessage());
        for (RedisSentinelSet.Node s : set.sentinels()) {
            assertTrue(e.getMessage().contains("localhost:" + s.tlsPort()), "lists each Sentinel: " + e.getMessage());
        }

        // the other way round: Sentinels trusted through sentinel_sslrootcert, the data nodes checked against sslrootcert
        String ca = TestCerts.file("ca.crt").toString();
        RedisSentinelException data = assertThrows(RedisSentinelException.class,
                () -> RedisClient.create(set.uri("sslrootcert=" + otherCa + "&sentinel_sslrootcert=" + ca)));
        assertEquals(RedisSentinelException.Kind.NODE_TLS_REFUSED, data.kind(), data.getMessage());
        assertTrue(data.getMessage().contains("data node " + set.primary().address()), data.getMessage());
    }

    @Test
    void ipAnnouncedDataNodesFailClosedUnderFullVerificationAndPassWithNodeTlsName() {
        RedisSentinelSet set = TestServers.redisSentinel();
        RedisSentinelException e = assertThrows(RedisSentinelException.class, () -> RedisClient.create(set.uriWithout("")));
        assertEquals(RedisSentinelException.Kind.NODE_TLS_REFUSED, e.kind(), e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains("data node " + set.primary().address()), m);
        assertTrue(m.contains("checked name \"127.0.0.1\""), m);
        assertTrue(m.contains("node_tls_name="), "names the setting that fixes it: " + m);
        assertTrue(m.contains("localhost"), "lists the certificate's SANs: " + m);

        for (String fix : List.of("node_tls_name=localhost", "node_tls_name=seed")) {
            try (RedisClient client = RedisClient.create(set.uriWithout(fix))) {
                client.set(PREFIX + fix, "ok");
                assertEquals("ok", client.get(PREFIX + fix));
                assertEquals("localhost", client.config().host());
            }
        }
    }

    @Test
    void theAddressMapperTurnsAnnouncedAddressesIntoDialedOnesTlsStillCheckingTheNodeName() {
        RedisSentinelSet set = TestServers.redisSentinel();
        List<HostAndPort> seen = new CopyOnWriteArrayList<>();
        // redis#13210: a Sentinel may announce a plain port; the mapper is where a deployment maps it to the TLS port
        RedisSentinelSettings settings = RedisSentinelSettings.builder().addressMapper(a -> {
            seen.add(a);
            return new HostAndPort("localhost", a.port());
        }).readFrom(RedisClusterSettings.ReadFrom.REPLICA).build();
        try (RedisClient client = RedisClient.create(set.uri(""), settings)) {
            client.set(PREFIX + "mapped", "yes");
            assertEquals("yes", client.get(PREFIX + "mapped"));
        }
        List<String> expected = new ArrayList<>();
        set.dataNodes().forEach(n -> expected.add(n.address()));
        assertEquals(expected.stream().sorted().toList(), seen.stream().map(HostAndPort::toString).distinct().sorted().toList(),
                "the primary and both replicas went through the mapper");
    }
}
