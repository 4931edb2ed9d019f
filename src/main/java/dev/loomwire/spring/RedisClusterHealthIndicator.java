package dev.loomwire.spring;

import dev.loomwire.redis.ClusterTopology;
import dev.loomwire.redis.HostAndPort;
import dev.loomwire.redis.RedisClusterClient;
import dev.loomwire.redis.RedisReply;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Actuator health of a {@link RedisClusterClient}: UP when every primary answers {@code PING} and every slot is served. */
public class RedisClusterHealthIndicator implements HealthIndicator {
    private final RedisClusterClient client;

    public RedisClusterHealthIndicator(RedisClusterClient client) {
        this.client = client;
    }

    @Override
    public Health health() {
        try {
            Map<HostAndPort, RedisReply> pongs = client.commandOnAllPrimaries("PING");
            ClusterTopology topology = client.topology();
            Health.Builder health = topology.uncoveredSlots() == 0 ? Health.up() : Health.down();
            return health.withDetail("primaries", pongs.keySet().stream().map(HostAndPort::toString).sorted().toList())
                    .withDetail("nodes", topology.nodes().size())
                    .withDetail("uncoveredSlots", topology.uncoveredSlots())
                    .build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
