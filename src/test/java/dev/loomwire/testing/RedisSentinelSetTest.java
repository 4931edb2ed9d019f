package dev.loomwire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's Sentinel set is what the Sentinel tests assume: TLS only, one primary, two replicas, three Sentinels agreeing. */
class RedisSentinelSetTest {
    @Test
    void tlsOnlyPrimaryWithTwoReplicasAndThreeSentinels() {
        RedisSentinelSet set = TestServers.redisSentinel();
        RedisSentinelSet.Node primary = set.primary();
        assertEquals("master", ((List<?>) primary.command("ROLE")).get(0));
        assertEquals(2, set.replicas().size());
        for (RedisSentinelSet.Node n : set.dataNodes()) {
            assertEquals(List.of("port", "0"), n.command("CONFIG", "GET", "port"));
            assertEquals(List.of("tls-replication", "yes"), n.command("CONFIG", "GET", "tls-replication"));
        }
        for (RedisSentinelSet.Node s : set.sentinels()) {
            List<?> addr = (List<?>) s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", RedisSentinelSet.MASTER);
            assertEquals(List.of("127.0.0.1", Integer.toString(primary.tlsPort())), addr, "Sentinels announce the IP and the TLS port");
        }
        assertTrue(set.uri("").startsWith("rediss-sentinel://"));
    }
}
