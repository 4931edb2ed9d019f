package dev.loomwire.spring;

import dev.loomwire.redis.RedisClient;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Actuator health of a {@link RedisClient}: UP when {@code PING} answers through the pool. */
public class RedisClientHealthIndicator implements HealthIndicator {
    private final RedisClient client;

    public RedisClientHealthIndicator(RedisClient client) {
        this.client = client;
    }

    @Override
    public Health health() {
        try {
            return client.withConnection(c -> {
                c.ping();
                return Health.up()
                        .withDetail("server", "Redis " + (c.serverVersion() == null ? "(RESP2)" : c.serverVersion()))
                        .withDetail("tls", c.tls().map(t -> t.protocol() + " " + t.cipherSuite()).orElse("none"))
                        .withDetail("pool", client.stats().toString())
                        .build();
            });
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .withDetail("pool", client.stats().toString()).build();
        }
    }
}
