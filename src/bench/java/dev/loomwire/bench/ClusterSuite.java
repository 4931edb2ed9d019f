package dev.loomwire.bench;

import dev.loomwire.redis.RedisClusterClient;
import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Redis Cluster over TLS: {@value RedisSuite#THREADS} virtual threads doing GET/SET through each
 * cluster client against the harness's 3-primary + 3-replica cluster (nodes announce
 * {@code nodeN.cluster.test}, each verified against its own certificate); like every scenario, the
 * rows carry the client's CPU time and bytes allocated per operation.
 */
final class ClusterSuite implements AutoCloseable {
    static final Scenario THREADS_1000 = new Scenario("cluster", "1,000 virtual threads GET/SET (cluster)", "ops/s", true, 50, 10);
    static final String JEDIS_CLUSTER = "JedisCluster";
    static final String LETTUCE_CLUSTER = "Lettuce RedisClusterClient";
    /** Enough connections for every thread whose key lives on the node (about a third of them). */
    static final int JEDIS_POOL_PER_NODE = 400;

    private final RedisCluster cluster;
    // the JDK's resolver (not netty's DNS client), so that the hosts file naming the nodes applies
    private final ClientResources lettuceResources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
            .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE).build();
    private final List<io.lettuce.core.cluster.RedisClusterClient> lettuceClients = new ArrayList<>();

    ClusterSuite() {
        this.cluster = TestServers.redisCluster();
    }

    void runAll(Runner runner) {
        runner.run(THREADS_1000, "TLS", List.of(
                candidate(RedisSuite.LOOMWIRE, () -> {
                    RedisClusterClient client = RedisClusterClient.create(cluster.uri(""));
                    return setGet(key -> client.set(key, RedisSuite.VALUE_16), client::get, client::close);
                }, "RedisClusterClient.create(rediss://seeds): one shared multiplexed connection per node, sslverify=full"),
                candidate(LETTUCE_CLUSTER, () -> {
                    StatefulRedisClusterConnection<String, String> c = lettuce().connect();
                    RedisAdvancedClusterCommands<String, String> sync = c.sync();
                    return setGet(key -> sync.set(key, RedisSuite.VALUE_16), sync::get, c::close);
                }, "one shared connection per node, sync API, verifyPeer FULL"),
                candidate(JEDIS_CLUSTER, () -> {
                    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
                    pool.setMaxTotal(JEDIS_POOL_PER_NODE);
                    pool.setMaxIdle(JEDIS_POOL_PER_NODE);
                    JedisCluster jc = new JedisCluster(seeds(), DefaultJedisClientConfig.builder().timeoutMillis(10_000).ssl(true)
                            .sslSocketFactory(Trust.jdkContext().getSocketFactory()).sslParameters(Trust.verifyHost())
                            .user(dev.loomwire.testing.RedisServer.USER).password(dev.loomwire.testing.RedisServer.PASSWORD).build(),
                            5, pool);
                    return setGet(key -> jc.set(key, RedisSuite.VALUE_16), jc::get, jc::close);
                }, "pool of " + JEDIS_POOL_PER_NODE + " per node (with 50 per node its 1,000 threads stall here), endpoint identification on")));
    }

    /** Each virtual thread alternates SET and GET on its own key (keys spread over every slot range). */
    private static Subject setGet(RedisSuite.KeyOp set, RedisSuite.KeyOp get, RedisSuite.Closer closer) throws Exception {
        return RedisSuite.setGet("bench:cluster:", set, get, closer);
    }

    private static Runner.Candidate candidate(String driver, Runner.Opener opener, String note) {
        return new Runner.Candidate(driver, opener, note);
    }

    private Set<HostAndPort> seeds() {
        return cluster.nodes().stream().map(n -> new HostAndPort(n.announcedHost(), n.tlsPort())).collect(Collectors.toSet());
    }

    private io.lettuce.core.cluster.RedisClusterClient lettuce() {
        List<RedisURI> uris = cluster.nodes().stream()
                .map(n -> RedisURI.builder().withHost(n.announcedHost()).withPort(n.tlsPort()).withTimeout(Duration.ofSeconds(10))
                        .withSsl(true).withVerifyPeer(SslVerifyMode.FULL)
                        .withAuthentication(dev.loomwire.testing.RedisServer.USER, dev.loomwire.testing.RedisServer.PASSWORD).build())
                .toList();
        io.lettuce.core.cluster.RedisClusterClient client = io.lettuce.core.cluster.RedisClusterClient.create(lettuceResources, uris);
        client.setOptions(ClusterClientOptions.builder()
                .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(TestCerts.file("ca.crt").toFile()).build())
                .build());
        lettuceClients.add(client);
        return client;
    }

    @Override
    public void close() {
        for (io.lettuce.core.cluster.RedisClusterClient c : lettuceClients) {
            try {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // best effort at the end of the run
            }
        }
        lettuceResources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
