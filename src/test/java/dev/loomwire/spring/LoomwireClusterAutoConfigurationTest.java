package dev.loomwire.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisClusterClient;
import dev.loomwire.redis.RedisClusterException;
import dev.loomwire.testing.RedisCluster;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code loomwire.redis.cluster.nodes} or a multi-seed {@code loomwire.redis.url} make the
 * auto-configuration create a {@link RedisClusterClient} (and no {@link RedisClient}), with trust
 * from a Spring Boot SSL bundle, against the harness's TLS Redis Clusters.
 */
class LoomwireClusterAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, LoomwireAutoConfiguration.class,
                    LoomwireHealthAutoConfiguration.class))
            .withPropertyValues("spring.ssl.bundle.pem.cluster.truststore.certificate=file:" + TestServers.redisCluster().caFile(),
                    "loomwire.redis.ssl.bundle=cluster",
                    "loomwire.redis.username=" + RedisServer.USER,
                    "loomwire.redis.password=" + RedisServer.PASSWORD);

    @Test
    void clusterNodesAndAnSslBundleCreateAClusterClientThatVerifiesEveryNode() {
        RedisCluster cluster = TestServers.redisCluster();
        String nodes = cluster.nodes().stream().limit(2).map(RedisCluster.Node::address).collect(Collectors.joining(","));
        runner.withPropertyValues("loomwire.redis.cluster.nodes=" + nodes, "loomwire.redis.pool.max-size=4")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisClusterClient.class).doesNotHaveBean(RedisClient.class);
                    RedisClusterClient client = context.getBean(RedisClusterClient.class);
                    for (int i = 0; i < 30; i++) {
                        client.set("spring:cluster:" + i, "v" + i);
                    }
                    assertThat(client.get("spring:cluster:17")).isEqualTo("v17");
                    assertThat(client.topology().shards()).hasSize(3);
                    assertThat(client.config().isTls()).isTrue();
                    assertThat(client.command("ACL", "WHOAMI").asString()).isEqualTo(RedisServer.USER);
                    Health health = context.getBean("loomwireRedisClusterHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("nodes", 6).containsEntry("uncoveredSlots", 0);
                });
    }

    /** IP-announcing nodes with a DNS-only certificate: the ElastiCache-style cluster_tls_name=seed in a multi-seed URL makes them pass. */
    @Test
    void multiSeedUrlWithClusterTlsNameSeedReachesIpAnnouncingNodes() {
        RedisCluster cluster = TestServers.redisClusterByIp();
        runner.withPropertyValues("loomwire.redis.url=rediss://" + cluster.seeds("localhost") + "/?cluster_tls_name=seed")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisClusterClient.class).doesNotHaveBean(RedisClient.class);
                    RedisClusterClient client = context.getBean(RedisClusterClient.class);
                    client.set("spring:ip", "ok");
                    assertThat(client.get("spring:ip")).isEqualTo("ok");
                });
    }

    @Test
    void ipAnnouncingNodesWithoutClusterTlsNameFailTheContextNamingTheFix() {
        RedisCluster cluster = TestServers.redisClusterByIp();
        runner.withPropertyValues("loomwire.redis.cluster.nodes=localhost:" + cluster.node(1).tlsPort())
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable t = context.getStartupFailure();
                    while (t != null && !(t instanceof RedisClusterException)) {
                        t = t.getCause();
                    }
                    assertThat(t).as("a RedisClusterException in " + context.getStartupFailure()).isNotNull()
                            .hasMessageContaining("cluster_tls_name");
                    assertThat(((RedisClusterException) t).kind()).isEqualTo(RedisClusterException.Kind.NODE_TLS_REFUSED);
                });
    }

    @Test
    void aBadClusterNodeIsReportedWithItsProperty() {
        runner.withPropertyValues("loomwire.redis.cluster.nodes=localhost:7000,nohostport")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("loomwire.redis.cluster.nodes[1]=nohostport"));
    }
}
