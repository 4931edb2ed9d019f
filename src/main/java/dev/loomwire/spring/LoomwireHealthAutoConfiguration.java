package dev.loomwire.spring;

import dev.loomwire.pg.PgPool;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisClusterClient;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Health indicators for the loomwire beans, only when Spring Boot Actuator is on the class path:
 * {@code loomwirePostgres} ({@code SELECT 1}), {@code loomwireRedis} ({@code PING}), each with
 * the server version, TLS protocol and pool counters as details, and {@code loomwireRedisCluster}
 * ({@code PING} on every primary).
 */
@AutoConfiguration(after = LoomwireAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class LoomwireHealthAutoConfiguration {

    @Bean
    @ConditionalOnBean(PgPool.class)
    @ConditionalOnMissingBean(name = "loomwirePostgresHealthIndicator")
    public HealthIndicator loomwirePostgresHealthIndicator(PgPool pool) {
        return new PgPoolHealthIndicator(pool);
    }

    @Bean
    @ConditionalOnBean(RedisClusterClient.class)
    @ConditionalOnMissingBean(name = "loomwireRedisClusterHealthIndicator")
    public HealthIndicator loomwireRedisClusterHealthIndicator(RedisClusterClient client) {
        return new RedisClusterHealthIndicator(client);
    }

    @Bean
    @ConditionalOnBean(RedisClient.class)
    @ConditionalOnMissingBean(name = "loomwireRedisHealthIndicator")
    public HealthIndicator loomwireRedisHealthIndicator(RedisClient client) {
        return new RedisClientHealthIndicator(client);
    }
}
