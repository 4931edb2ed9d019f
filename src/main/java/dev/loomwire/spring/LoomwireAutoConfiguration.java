package dev.loomwire.spring;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisSentinelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration: a {@link PgPool} when {@code loomwire.postgres.url} is set and a
 * {@link RedisClient} when {@code loomwire.redis.url} is set (also a {@code rediss-sentinel://} URL), with pool settings and optional TLS
 * material from an SSL bundle (see {@link LoomwirePostgresProperties}, {@link LoomwireRedisProperties}).
 * Both close with the application context. An application's own bean of either type wins.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@EnableConfigurationProperties({LoomwirePostgresProperties.class, LoomwireRedisProperties.class})
public class LoomwireAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(LoomwireAutoConfiguration.class);

    /** The PostgreSQL pool; connections open lazily (or min-idle of them in the background). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "loomwire.postgres", name = "url")
    public PgPool loomwirePgPool(LoomwirePostgresProperties properties, ObjectProvider<SslBundles> bundles) {
        PgConfig config = DriverConfigs.postgres(properties, bundles.getIfAvailable());
        PgPool pool = PgPool.create(config, poolSettings(properties.getPool(), "loomwire.postgres"),
                properties.getCommandTimeout());
        LOG.debug("PgPool for {} ({})", config, pool.poolSettings());
        return pool;
    }

    /** The thread-safe Redis client, multiplexed like {@link RedisClient#create}: the pool settings size its pool for exclusive operations. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "loomwire.redis", name = "url")
    public RedisClient loomwireRedisClient(LoomwireRedisProperties properties, ObjectProvider<SslBundles> bundles) {
        if (DriverConfigs.isSentinel(properties)) {
            RedisClient client = RedisClient.create(properties.getUrl(), RedisSentinelSettings.builder()
                    .pool(poolSettings(properties.getPool(), "loomwire.redis")).build());
            LOG.debug("RedisClient for {}", client);
            return client;
        }
        RedisConfig config = DriverConfigs.redis(properties, bundles.getIfAvailable());
        RedisClient client = RedisClient.create(config, poolSettings(properties.getPool(), "loomwire.redis"));
        LOG.debug("RedisClient for {} ({})", config, client.poolSettings());
        return client;
    }

    static PoolSettings poolSettings(LoomwirePoolProperties p, String prefix) {
        PoolSettings.Builder b = PoolSettings.DEFAULTS.toBuilder();
        try {
            if (p.getMaxSize() != null) b.maxSize(p.getMaxSize());
            if (p.getMinIdle() != null) b.minIdle(p.getMinIdle());
            if (p.getMaxLifetime() != null) b.maxLifetime(p.getMaxLifetime());
            if (p.getIdleTimeout() != null) b.idleTimeout(p.getIdleTimeout());
            if (p.getAcquireTimeout() != null) b.acquireTimeout(p.getAcquireTimeout());
            if (p.getValidateAfterIdle() != null) b.validateAfterIdle(p.getValidateAfterIdle());
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + ".pool: " + e.getMessage(), e);
        }
    }
}
