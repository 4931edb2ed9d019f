package dev.loomwire.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration in a real application context ({@link ApplicationContextRunner}) against
 * the TLS test servers: PostgreSQL {@code cert} authentication (hostssl certdb) and Redis with
 * {@code tls-auth-clients yes}, TLS material from Spring Boot SSL bundles (PEM and PKCS#12).
 */
class LoomwireAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            SslAutoConfiguration.class, LoomwireAutoConfiguration.class, LoomwireHealthAutoConfiguration.class));

    static String cert(String name) {
        return TestCerts.file(name).toString();
    }

    /** A PEM SSL bundle {@code name}: trust ca.crt, client certificate client.crt/client.key (CN=loomwire). */
    static String[] pemBundle(String name) {
        return new String[] {
                "spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + cert("ca.crt"),
                "spring.ssl.bundle.pem." + name + ".keystore.certificate=file:" + cert("client.crt"),
                "spring.ssl.bundle.pem." + name + ".keystore.private-key=file:" + cert("client.key")};
    }

    @Test
    void poolAndClientFromPropertiesAndPemBundlesRunAQueryAndAGetOverTls() {
        PgServer pg = TestServers.pg18();
        RedisServer redis = TestServers.redisMtls();
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues(pemBundle("cache"))
                .withPropertyValues(
                        "loomwire.postgres.url=host=localhost port=" + pg.port() + " dbname=certdb user=loomwire sslmode=verify-full",
                        "loomwire.postgres.ssl.bundle=db",
                        "loomwire.postgres.pool.max-size=3",
                        "loomwire.postgres.command-timeout=20s",
                        "loomwire.redis.url=rediss://localhost:" + redis.tlsPort() + "?sslverify=full",
                        "loomwire.redis.ssl.bundle=cache",
                        "loomwire.redis.pool.max-size=2",
                        "loomwire.redis.pool.acquire-timeout=5s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PgPool.class).hasSingleBean(RedisClient.class);
                    PgPool pool = context.getBean(PgPool.class);
                    assertThat(pool.poolSettings().maxSize()).isEqualTo(3);
                    assertThat(pool.commandTimeout()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(pool.query("SELECT current_user, ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                            .single().getString(2)).isEqualTo("TLSv1.3");
                    String pgTls = pool.withConnection(c -> c.tls().orElseThrow().protocol());
                    assertThat(pgTls).isEqualTo("TLSv1.3");

                    RedisClient client = context.getBean(RedisClient.class);
                    assertThat(client.poolSettings().maxSize()).isEqualTo(2);
                    assertThat(client.isMultiplexed()).as("the auto-configured client follows RedisClient.create").isTrue();
                    client.set("loomwire:spring:greeting", "hello from Spring");
                    assertThat(client.get("loomwire:spring:greeting")).isEqualTo("hello from Spring");
                    String redisTls = client.withConnection(c -> c.tls().orElseThrow().protocol());
                    assertThat(redisTls).isEqualTo("TLSv1.3");
                    client.del("loomwire:spring:greeting");

                    Health pgHealth = context.getBean("loomwirePostgresHealthIndicator", HealthIndicator.class).health();
                    assertThat(pgHealth.getStatus()).isEqualTo(Status.UP);
                    String version = pool.withConnection(c -> c.serverVersion());
                    assertThat(pgHealth.getDetails()).containsEntry("server", "PostgreSQL " + version);
                    assertThat((String) pgHealth.getDetails().get("tls")).startsWith("TLSv1.3");
                    Health redisHealth = context.getBean("loomwireRedisHealthIndicator", HealthIndicator.class).health();
                    assertThat(redisHealth.getStatus()).isEqualTo(Status.UP);
                    assertThat((String) redisHealth.getDetails().get("tls")).startsWith("TLSv1.3");
                });
    }

    /** A client key from an SSL bundle that the server refuses is named as that key, with the server's alert. */
    @Test
    void aRefusedBundleKeyIsReportedWithTheServersAlert() {
        RedisServer redis = TestServers.redisMtls();
        PgServer pg = TestServers.pg15();
        runner.withPropertyValues(
                        "spring.ssl.bundle.pem.other.truststore.certificate=file:" + cert("ca.crt"),
                        "spring.ssl.bundle.pem.other.keystore.certificate=file:" + cert("client-other-ca.crt"),
                        "spring.ssl.bundle.pem.other.keystore.private-key=file:" + cert("client-other-ca.key"),
                        "spring.ssl.bundle.pem.expired.truststore.certificate=file:" + cert("ca.crt"),
                        "spring.ssl.bundle.pem.expired.keystore.certificate=file:" + cert("client-expired.crt"),
                        "spring.ssl.bundle.pem.expired.keystore.private-key=file:" + cert("client-expired.key"),
                        "loomwire.redis.url=rediss://localhost:" + redis.tlsPort() + "?connect_timeout=20",
                        "loomwire.redis.ssl.bundle=other",
                        "loomwire.postgres.url=host=localhost port=" + pg.port() + " dbname=certdb user=loomwire"
                                + " sslmode=verify-full connect_timeout=20",
                        "loomwire.postgres.ssl.bundle=expired",
                        "loomwire.postgres.pool.min-idle=0")
                .run(context -> {
                    RuntimeException redisRefusal = assertThrows(RuntimeException.class,
                            () -> context.getBean(RedisClient.class).ping());
                    assertThat(redisRefusal.getMessage()).contains("alert unknown_ca: the server does not trust the client"
                            + " certificate's issuer; client certificate \"CN=loomwire,O=loomwire tests\" (in memory)")
                            .doesNotContain("none is configured").doesNotContain("no client certificate");
                    RuntimeException pgRefusal = assertThrows(RuntimeException.class,
                            () -> context.getBean(PgPool.class).query("SELECT 1"));
                    assertThat(pgRefusal.getMessage()).contains("alert certificate_expired: the client certificate has expired")
                            .contains("(in memory)");
                });
    }

    @Test
    void pkcs12BundleAndPasswordPropertyForAnAclUser() {
        RedisServer redis = TestServers.redis();
        String pw = new String(TestCerts.password());
        runner.withPropertyValues(
                        "spring.ssl.bundle.jks.cache.truststore.location=file:" + cert("truststore.jks"),
                        "spring.ssl.bundle.jks.cache.truststore.password=" + pw,
                        "spring.ssl.bundle.jks.cache.keystore.location=file:" + cert("client.p12"),
                        "spring.ssl.bundle.jks.cache.keystore.password=" + pw,
                        "loomwire.redis.url=rediss://localhost:" + redis.tlsPort(),
                        "loomwire.redis.username=" + RedisServer.USER,
                        "loomwire.redis.password=" + RedisServer.PASSWORD,
                        "loomwire.redis.ssl.bundle=cache")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(PgPool.class);
                    RedisClient client = context.getBean(RedisClient.class);
                    assertThat(client.command("ACL", "WHOAMI").asString()).isEqualTo(RedisServer.USER);
                    boolean sent = client.withConnection(c -> c.tls().orElseThrow().clientCertificateSent());
                    assertThat(sent).isTrue();
                });
    }

    @Test
    void passwordPropertyAndPoolClosedWithTheContext() {
        PgServer pg = TestServers.pg18();
        PgPool[] pool = new PgPool[1];
        runner.withPropertyValues("loomwire.postgres.url=postgresql://loomwire@localhost:" + pg.port()
                        + "/loomwire?sslmode=verify-full&sslrootcert=" + cert("ca.crt"),
                        "loomwire.postgres.password=" + PgServer.PASSWORD)
                .run(context -> {
                    pool[0] = context.getBean(PgPool.class);
                    assertThat(pool[0].query("SELECT 1").single().getString(0)).isEqualTo("1");
                });
        assertThrows(PoolClosedException.class, () -> pool[0].query("SELECT 1"));
    }

    @Test
    void multiHostUrlsReachTheServerTargetSessionAttrsAsksFor() {
        dev.loomwire.testing.PgPair pair = TestServers.pgPair(18);
        String hosts = "localhost:" + pair.standby().port() + ",localhost:" + pair.primary().port();
        runner.withPropertyValues("loomwire.postgres.url=postgresql://loomwire@" + hosts
                        + "/loomwire?target_session_attrs=read-write&sslmode=verify-full&sslrootcert=" + cert("ca.crt"),
                        "loomwire.postgres.password=" + PgServer.PASSWORD)
                .run(context -> {
                    PgPool pool = context.getBean(PgPool.class);
                    assertThat(pool.query("SELECT pg_is_in_recovery()").single().getString(0)).isEqualTo("f");
                    assertThat(pool.<Integer>withConnection(c -> c.host().port())).isEqualTo(pair.primary().port());
                    assertThat(context.getBean("loomwirePostgresHealthIndicator", HealthIndicator.class).health().getDetails().get("host"))
                            .isEqualTo("localhost:" + pair.primary().port());
                });
        runner.withPropertyValues("loomwire.postgres.url=host=localhost,localhost port=" + pair.primary().port() + ","
                        + pair.standby().port() + " dbname=loomwire user=loomwire target_session_attrs=standby"
                        + " sslmode=verify-full sslrootcert=" + cert("ca.crt"),
                        "loomwire.postgres.password=" + PgServer.PASSWORD)
                .run(context -> assertThat(context.getBean(PgPool.class).<Integer>withConnection(c -> c.host().port()))
                        .isEqualTo(pair.standby().port()));
    }

    @Test
    void nothingWithoutAUrlAndNoHealthIndicatorsWithoutActuator() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PgPool.class)
                .doesNotHaveBean(RedisClient.class).doesNotHaveBean(HealthIndicator.class));
        RedisServer redis = TestServers.redis();
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .withPropertyValues("loomwire.redis.url=redis://localhost:" + redis.plainPort())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RedisClient.class)
                        .doesNotHaveBean("loomwireRedisHealthIndicator"));
    }

    @Test
    void misconfigurationsFailTheContextNamingTheProperty() {
        runner.withPropertyValues("loomwire.redis.url=rediss://localhost:6380", "loomwire.redis.ssl.bundle=missing")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("loomwire.redis.ssl.bundle=missing: no SSL bundle of that name"));
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues("loomwire.redis.url=redis://localhost:6379", "loomwire.redis.ssl.bundle=db")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("is not a rediss:// URL"));
        runner.withPropertyValues("spring.ssl.bundle.jks.p12.truststore.location=file:" + cert("truststore.p12"),
                        "spring.ssl.bundle.jks.p12.truststore.password=" + new String(TestCerts.password()),
                        "loomwire.redis.url=rediss://localhost:6380", "loomwire.redis.ssl.bundle=p12")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("SSL bundle \"p12\": its trust store holds no certificates"));
        runner.withPropertyValues("loomwire.postgres.url=host=localhost", "loomwire.postgres.pool.max-size=0")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("loomwire.postgres.pool: "));
    }

    @Test
    void registeredForSpringBootToFind() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(LoomwireAutoConfiguration.class.getName(), LoomwireHealthAutoConfiguration.class.getName());
    }
}
