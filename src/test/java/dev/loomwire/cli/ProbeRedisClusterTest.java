package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code probe rediss://...} on the harness's TLS Redis Clusters: the topology, and for every node
 * its certificate and whether the client's verification ({@code cluster_tls_name}) passes there.
 */
class ProbeRedisClusterTest {

    @Test
    void hostnameClusterShowsTopologyAndEveryNodePassesFullVerification() {
        RedisCluster cluster = TestServers.redisCluster();
        Cli.Result r = Cli.run("probe", cluster.uri(""));
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("3 shards, 6 nodes (CLUSTER SHARDS"), out);
        for (RedisCluster.Node node : cluster.nodes()) {
            assertTrue(out.contains("node " + node.address()), out);
            assertTrue(out.contains("checking \"" + node.announcedHost() + "\" passes"), out);
            assertTrue(out.contains("DNS:" + node.announcedHost()), "the node's certificate SANs are shown: " + out);
        }
        assertEquals(6, count(out, "sslverify=full checking \"node\\d\\.cluster\\.test\" passes"), out);
        assertTrue(out.contains("result: sslverify=full would succeed"), out);

        Cli.Result json = Cli.run("probe", "--json", cluster.uri(""));
        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().contains("\"cluster topology\"") && json.out().contains("\"subject alt names\""), json.out());
    }

    /** Nodes announce 127.0.0.1, their certificate names only localhost: every node fails, and the probe names the fix. */
    @Test
    void ipAnnouncingClusterFailsPerNodeAndNamesTheClusterTlsNameThatFixesIt() {
        RedisCluster cluster = TestServers.redisClusterByIp();
        String seed = "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@" + cluster.seeds("localhost") + "/?sslrootcert=" + cluster.caFile();
        Cli.Result r = Cli.run("probe", seed);
        assertEquals(1, r.exitCode(), r.toString());
        String out = r.out();
        assertEquals(6, count(out, "checking \"127\\.0\\.0\\.1\" FAILS: host 127\\.0\\.0\\.1 not in SANs \\[localhost\\]"), out);
        assertTrue(out.contains("with cluster_tls_name=seed (the seed's host localhost) this node passes sslverify=full"), out);
        assertTrue(out.contains("6 of 6 nodes refused"), out);

        Cli.Result fixed = Cli.run("probe", seed + "&cluster_tls_name=seed");
        assertEquals(0, fixed.exitCode(), fixed.toString());
        assertEquals(6, count(fixed.out(), "checking \"localhost\" passes"), fixed.out());

        Cli.Result explicit = Cli.run("probe", seed + "&cluster_tls_name=localhost");
        assertEquals(0, explicit.exitCode(), explicit.toString());
    }

    @Test
    void aClusterUriOnAServerThatIsNoClusterNodeIsRefused() {
        RedisServer redis = TestServers.redis();
        Cli.Result r = Cli.run("probe", "rediss://localhost:" + redis.tlsPort() + "/?cluster_tls_name=seed&sslrootcert="
                + TestServers.redisCluster().caFile());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("is not a cluster node (mode standalone): RedisClusterClient refuses it"), r.out());
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
