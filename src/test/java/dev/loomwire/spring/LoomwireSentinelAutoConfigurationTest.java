package dev.loomwire.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loomwire.redis.RedisClient;
import dev.loomwire.testing.RedisSentinelSet;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Spring Boot takes a {@code rediss-sentinel://} URL for {@code loomwire.redis.url}: the client bean follows the Sentinels' primary. */
class LoomwireSentinelAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            SslAutoConfiguration.class, LoomwireAutoConfiguration.class, LoomwireHealthAutoConfiguration.class));

    @Test
    void aSentinelUrlGivesARedisClientOnTheCurrentPrimaryWithHealth() {
        RedisSentinelSet set = TestServers.redisSentinel();
        runner.withPropertyValues("loomwire.redis.url=" + set.uri(""), "loomwire.redis.pool.max-size=2")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisClient.class);
                    RedisClient client = context.getBean(RedisClient.class);
                    client.set("spring-sentinel", "up");
                    assertThat(set.primary().command("GET", "spring-sentinel")).isEqualTo("up");
                    assertThat(client.poolSettings().maxSize()).isEqualTo(2);
                    Health health = context.getBean("loomwireRedisHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat((String) health.getDetails().get("tls")).startsWith("TLS");
                });
    }

    @Test
    void propertiesASentinelUrlCannotApplyFailTheContextInsteadOfBeingIgnored() {
        runner.withPropertyValues("loomwire.redis.url=rediss-sentinel://localhost:26379#mymaster", "loomwire.redis.username=app")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("loomwire.redis.username is not applied to a Sentinel URL"));
    }
}
