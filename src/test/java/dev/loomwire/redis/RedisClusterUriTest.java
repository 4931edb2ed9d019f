package dev.loomwire.redis;

import dev.loomwire.redis.RedisClusterSettings.ReadFrom;
import dev.loomwire.redis.RedisClusterSettings.TlsName;
import dev.loomwire.tls.TlsVerification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-seed cluster URIs and the cluster parameters. */
class RedisClusterUriTest {
    @Test
    void seedsAreListedInTheAuthority() {
        RedisUri.ClusterUri u = RedisUri.parseCluster("rediss://app:s3cret@host1:7000,host2:7001,[::1],host4/?sslverify=ca&timeout=2");
        assertEquals(List.of(new HostAndPort("host1", 7000), new HostAndPort("host2", 7001), new HostAndPort("::1", 6379),
                new HostAndPort("host4", 6379)), u.seeds());
        assertEquals("host1", u.config().host());
        assertEquals(7000, u.config().port());
        assertEquals("app", u.config().user());
        assertEquals(TlsVerification.CA, u.config().tls().orElseThrow().verification());
        assertEquals(Duration.ofSeconds(2), u.config().timeout());
        assertFalse(u.config().toString().contains("s3cret"));
    }

    @Test
    void clusterParametersMapToSettings() {
        RedisUri.ClusterUri u = RedisUri.parseCluster("rediss://h:7000?cluster_tls_name=seed&readFrom=replicaPreferred&cluster_refresh_period=5s");
        RedisClusterSettings s = RedisClusterSettings.DEFAULTS.withParameters(u.clusterParameters());
        assertEquals(new TlsName.Seed(), s.tlsName());
        assertEquals(ReadFrom.REPLICA_PREFERRED, s.readFrom());
        assertEquals(Duration.ofSeconds(5), s.refreshPeriod());
        assertEquals(new TlsName.Explicit("redis.example.com"),
                RedisClusterSettings.DEFAULTS.withParameters(Map.of("cluster_tls_name", "redis.example.com")).tlsName());
        assertEquals(new TlsName.Announced(), RedisClusterSettings.DEFAULTS.tlsName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisClusterSettings.DEFAULTS.withParameters(Map.of("readFrom", "nearest")));
        assertTrue(e.getMessage().contains("readFrom"), e.getMessage());
    }

    @Test
    void singleNodeUrisRefuseSeedListsAndClusterParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisConfig.fromUri("rediss://a:1,b:2"));
        assertTrue(e.getMessage().contains("RedisClusterClient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisConfig.fromUri("rediss://a:1?cluster_tls_name=seed"));
        assertTrue(e.getMessage().contains("cluster_tls_name") && e.getMessage().contains("RedisClusterClient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parseCluster("rediss://a:1,,b:2"));
        assertTrue(e.getMessage().contains("no host"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisUri.parseCluster("rediss://a:1,b:99999"));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
    }

    @Test
    void redirectsParseEndpointAndPort() {
        HostAndPort from = new HostAndPort("node1.example", 7001);
        assertEquals(new RedisClusterClient.Redirect(12182, new HostAndPort("node3.example", 7103)),
                RedisClusterClient.Redirect.parse("MOVED 12182 node3.example:7103", from));
        assertEquals(new HostAndPort("node1.example", 7002), RedisClusterClient.Redirect.parse("ASK 5 ?:7002", from).address());
        assertEquals(new HostAndPort("node1.example", 7002), RedisClusterClient.Redirect.parse("MOVED 5 :7002", from).address());
        assertEquals(new HostAndPort("::1", 7002), RedisClusterClient.Redirect.parse("MOVED 5 ::1:7002", from).address());
        assertThrows(RedisException.class, () -> RedisClusterClient.Redirect.parse("MOVED 5", from));
    }
}
