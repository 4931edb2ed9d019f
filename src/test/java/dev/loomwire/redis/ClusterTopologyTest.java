package dev.loomwire.redis;

import dev.loomwire.redis.ClusterNode.Role;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing CLUSTER SHARDS and CLUSTER SLOTS replies into the slot map. */
class ClusterTopologyTest {
    private static final HostAndPort ANSWERED_BY = new HostAndPort("seed.example", 7000);

    /** Decodes replies written as RESP text with '|' for CRLF. */
    static RedisReply resp(String text) {
        byte[] bytes = text.replace("|", "\r\n").getBytes(StandardCharsets.UTF_8);
        RedisReply r = RedisReplies.decoder().decode(bytes, 0, bytes.length);
        if (r == null) {
            throw new IllegalArgumentException("incomplete RESP text");
        }
        return r;
    }

    static String node(String id, String portKey, int port, String ip, String endpoint, String hostname, String role, String health) {
        boolean hasHostname = hostname != null;
        return "%" + (hasHostname ? 8 : 7) + "|+id|+" + id + "|+" + portKey + "|:" + port + "|+ip|+" + ip
                + "|+endpoint|$" + endpoint.length() + "|" + endpoint + "|"
                + (hasHostname ? "+hostname|+" + hostname + "|" : "")
                + "+role|+" + role + "|+replication-offset|:42|+health|+" + health + "|";
    }

    static String shard(String slots, String... nodes) {
        return "%2|+slots|" + slots + "+nodes|*" + nodes.length + "|" + String.join("", nodes);
    }

    @Test
    void shardsGiveTlsPortsHostnamesRolesAndSlots() {
        RedisReply reply = resp("*2|"
                + shard("*4|:0|:100|:200|:300|",
                        node("a1", "tls-port", 7001, "10.0.0.1", "node1.example", "node1.example", "master", "online"),
                        node("a2", "tls-port", 7004, "10.0.0.4", "node4.example", "node4.example", "replica", "loading"))
                + shard("*2|:101|:199|",
                        node("b1", "tls-port", 7002, "10.0.0.2", "10.0.0.2", null, "master", "online")));
        ClusterTopology t = ClusterTopology.fromShards(reply, ANSWERED_BY, true);

        assertEquals(2, t.shards().size());
        ClusterNode p = t.shardOf(50).orElseThrow().primary();
        assertEquals(new HostAndPort("node1.example", 7001), p.address());
        assertEquals("node1.example", p.hostname());
        assertEquals("10.0.0.1", p.ip());
        assertEquals(Role.PRIMARY, p.role());
        assertEquals(42, p.replicationOffset());
        ClusterNode r = t.shardOf(250).orElseThrow().replicas().get(0);
        assertEquals(Role.REPLICA, r.role());
        assertEquals("loading", r.health());
        assertTrue(!r.isHealthy());
        assertEquals("b1", t.shardOf(150).orElseThrow().primary().id());
        assertEquals("", t.shardOf(150).orElseThrow().primary().hostname());
        assertTrue(t.shardOf(301).isEmpty());
        assertEquals(16384 - 301, t.uncoveredSlots());
        assertEquals(List.of("a1", "b1"), t.primaries().stream().map(ClusterNode::id).toList());
        assertEquals(3, t.nodes().size());
    }

    @Test
    void unknownOrEmptyEndpointMeansTheNodeThatAnswered() {
        RedisReply reply = resp("*2|"
                + shard("*2|:0|:10|", node("a", "tls-port", 7001, "", "?", null, "master", "online"))
                + shard("*2|:11|:20|", node("b", "tls-port", 7002, "", "", null, "master", "online")));
        ClusterTopology t = ClusterTopology.fromShards(reply, ANSWERED_BY, true);
        assertEquals(new HostAndPort("seed.example", 7001), t.shardOf(0).orElseThrow().primary().address());
        assertEquals(new HostAndPort("seed.example", 7002), t.shardOf(20).orElseThrow().primary().address());
    }

    @Test
    void portFollowsTheTransportAndFallsBackToTheOther() {
        String both = "%8|+id|+a|+port|:6001|+tls-port|:7001|+ip|+127.0.0.1|+endpoint|+127.0.0.1|+role|+master"
                + "|+replication-offset|:0|+health|+online|";
        RedisReply reply = resp("*1|" + shard("*2|:0|:16383|", both));
        assertEquals(7001, ClusterTopology.fromShards(reply, ANSWERED_BY, true).primaries().get(0).address().port());
        assertEquals(6001, ClusterTopology.fromShards(reply, ANSWERED_BY, false).primaries().get(0).address().port());
        RedisReply tlsOnly = resp("*1|" + shard("*2|:0|:16383|", node("a", "tls-port", 7001, "127.0.0.1", "127.0.0.1", null, "master", "online")));
        assertEquals(7001, ClusterTopology.fromShards(tlsOnly, ANSWERED_BY, false).primaries().get(0).address().port());
        assertEquals(0, ClusterTopology.fromShards(tlsOnly, ANSWERED_BY, false).uncoveredSlots());
    }

    @Test
    void resp2ShardsAreFlatArrays() {
        RedisReply reply = resp("*1|*4|$5|slots|*2|:0|:16383|$5|nodes|*1|*14|$2|id|$1|a|$8|tls-port|:7001|$2|ip|$9|127.0.0.1"
                + "|$8|endpoint|$9|127.0.0.1|$4|role|$6|master|$18|replication-offset|:5|$6|health|$6|online|");
        ClusterTopology t = ClusterTopology.fromShards(reply, ANSWERED_BY, true);
        assertEquals(new HostAndPort("127.0.0.1", 7001), t.shardOf(16383).orElseThrow().primary().address());
    }

    @Test
    void slotsReplyIsGroupedIntoShards() {
        RedisReply reply = resp("*3|"
                + "*4|:0|:99|*4|$13|node1.example|:7001|$2|a1|%1|+hostname|+node1.example|*3|$9|127.0.0.1|:7004|$2|a2|"
                + "*3|:100|:199|*3|$1|?|:7002|$2|b1|"
                + "*3|:200|:299|*4|$13|node1.example|:7001|$2|a1|%0||");
        ClusterTopology t = ClusterTopology.fromSlots(reply, ANSWERED_BY);
        assertEquals(2, t.shards().size());
        ClusterTopology.Shard a = t.shardOf(250).orElseThrow();
        assertEquals("a1", a.primary().id());
        assertEquals("node1.example", a.primary().hostname());
        assertEquals(List.of(new ClusterTopology.SlotRange(0, 99), new ClusterTopology.SlotRange(200, 299)), a.slots());
        assertEquals(new HostAndPort("127.0.0.1", 7004), a.replicas().get(0).address());
        assertEquals(new HostAndPort("seed.example", 7002), t.shardOf(100).orElseThrow().primary().address());
    }

    @Test
    void malformedRepliesNameTheProblem() {
        RedisException e = assertThrows(RedisException.class, () -> ClusterTopology.fromShards(resp("*1|%1|+slots|*1|:0|"), ANSWERED_BY, true));
        assertTrue(e.getMessage().contains("odd number of slot bounds"), e.getMessage());
        RedisServerException err = assertThrows(RedisServerException.class,
                () -> ClusterTopology.fromShards(resp("-ERR This instance has cluster support disabled|"), ANSWERED_BY, true));
        assertEquals("ERR", err.code());
        e = assertThrows(RedisException.class, () -> ClusterTopology.fromSlots(resp("*1|*2|:0|:1|"), ANSWERED_BY));
        assertTrue(e.getMessage().contains("without a primary"), e.getMessage());
    }
}
