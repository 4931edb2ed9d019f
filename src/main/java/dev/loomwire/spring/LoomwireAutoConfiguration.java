package dev.loomwire.spring;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisClusterClient;
import dev.loomwire.redis.RedisClusterSettings;
import dev.loomwire.redis.RedisClusterUri;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisSentinelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Spring Boot auto-configuration: a {@link PgPool} when {@code loomwire.postgres.url} is set, a
 * {@link RedisClient} when {@code loomwire.redis.url} names one server or is a {@code rediss-sentinel://}
 * URL, or a {@link RedisClusterClient}
 * when it lists several seeds or {@code loomwire.redis.cluster.nodes} is set, with pool settings and
 * optional TLS material from an SSL bundle (see {@link LoomwirePostgresProperties},
 * {@link LoomwireRedisProperties}). All close with the application context. An application's own
 * bean of a type wins.
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
    @Conditional(OnSingleRedis.class)
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

    /**
     * The Redis Cluster client, when {@code loomwire.redis.url} lists several seeds or has a cluster
     * parameter, or {@code loomwire.redis.cluster.nodes} is set; it loads the topology (and checks
     * every node's certificate) before the context finishes starting.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(OnRedisCluster.class)
    public RedisClusterClient loomwireRedisClusterClient(LoomwireRedisProperties properties, ObjectProvider<SslBundles> bundles) {
        RedisClusterUri uri = DriverConfigs.redisCluster(properties, bundles.getIfAvailable());
        RedisClusterSettings settings = uri.settings().toBuilder()
                .seeds(uri.seeds().subList(1, uri.seeds().size()))
                .pool(poolSettings(properties.getPool(), "loomwire.redis"))
                .build();
        RedisClusterClient client = RedisClusterClient.create(uri.seedConfig(), settings);
        LOG.debug("RedisClusterClient for {} ({})", uri.seeds(), settings);
        return client;
    }

    /** Whether the {@code loomwire.redis.*} properties describe a Redis Cluster. */
    static boolean isCluster(Environment env) {
        boolean nodes = Binder.get(env).bind("loomwire.redis.cluster.nodes", Bindable.listOf(String.class))
                .map(list -> !list.isEmpty()).orElse(false);
        return nodes || RedisClusterUri.isClusterUri(env.getProperty("loomwire.redis.url"));
    }

    /** {@code loomwire.redis.url} names one Redis server. */
    static final class OnSingleRedis extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("loomwire.redis.url");
            if (url == null || url.isBlank()) {
                return ConditionOutcome.noMatch("loomwire.redis.url is not set");
            }
            return isCluster(context.getEnvironment()) ? ConditionOutcome.noMatch("loomwire.redis.* describes a Redis Cluster")
                    : ConditionOutcome.match("loomwire.redis.url names one server");
        }
    }

    /** {@code loomwire.redis.*} describes a Redis Cluster. */
    static final class OnRedisCluster extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return isCluster(context.getEnvironment()) ? ConditionOutcome.match("loomwire.redis.* describes a Redis Cluster")
                    : ConditionOutcome.noMatch("no loomwire.redis.cluster.nodes and no cluster URL");
        }
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
