package dev.loomwire.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisException;
import dev.loomwire.testcontainers.TlsRedisContainer.TlsAuthClients;
import dev.loomwire.testing.Containers;
import dev.loomwire.tls.TlsConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link TlsRedisContainer} against Redis in Docker (see {@link Containers} for the image): the
 * handed-out config and rediss:// URI connect with full verification against the generated CA,
 * each tls-auth-clients value admits exactly what Redis documents, and a wrong image is reported.
 */
class TlsRedisContainerTest {
    private static TlsRedisContainer mutual;
    private static TlsRedisContainer optional;
    private static TlsRedisContainer serverOnly;

    @BeforeAll
    static void startContainers() {
        mutual = Containers.redis().withPassword("s3cret pw");
        optional = Containers.redis().withTlsAuthClients(TlsAuthClients.OPTIONAL);
        serverOnly = Containers.redis().withTlsAuthClients(TlsAuthClients.NO);
        Containers.startAll(mutual, optional, serverOnly);
    }

    @AfterAll
    static void stopContainers() {
        Containers.stopAll(mutual, optional, serverOnly);
    }

    @Test
    void redisConfigConnectsWithFullVerificationAndTheClientCertificate() {
        RedisConfig config = mutual.redisConfig();
        assertTrue(config.isTls());
        try (RedisConnection c = RedisConnection.connect(config)) {
            assertTrue(c.tls().isPresent());
            c.set("greeting", "hello over TLS");
            assertEquals("hello over TLS", c.get("greeting"));
        }
        assertEquals(TlsAuthClients.YES, mutual.tlsAuthClients());
    }

    @Test
    void redisUriNamesTheCaAndClientFiles() {
        String uri = mutual.redisUri();
        assertTrue(uri.startsWith("rediss://:s3cret%20pw@" + mutual.host() + ":" + mutual.port() + "?sslrootcert="), uri);
        try (RedisConnection c = RedisConnection.connect(uri)) {
            assertEquals("PONG", c.ping());
        }
    }

    @Test
    void tlsAuthClientsYesRefusesAClientWithoutCertificate() {
        RedisConfig noCertificate = mutual.redisConfig().toBuilder().tls(trustOnly(mutual)).build();
        assertThrows(RedisException.class, () -> {
            try (RedisConnection c = RedisConnection.connect(noCertificate)) {
                c.ping();
            }
        });
    }

    @Test
    void tlsAuthClientsOptionalAndNoAdmitAClientWithoutCertificate() {
        for (TlsRedisContainer redis : List.of(optional, serverOnly)) {
            RedisConfig noCertificate = redis.redisConfig().toBuilder().tls(trustOnly(redis)).build();
            try (RedisConnection c = RedisConnection.connect(noCertificate)) {
                assertEquals("PONG", c.ping(), redis.tlsAuthClients().toString());
            }
            try (RedisConnection c = RedisConnection.connect(redis.redisConfig())) {
                assertEquals("PONG", c.ping(), redis.tlsAuthClients().toString());
            }
        }
    }

    @Test
    void theServerCertificateIsCheckedAgainstTheCa() {
        RedisConfig otherCa = optional.redisConfig().toBuilder().tls(trustOnly(serverOnly)).build();
        RedisException e = assertThrows(RedisException.class, () -> RedisConnection.connect(otherCa).close());
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }

    @Test
    void anImageWithoutRedisIsTheWrongImage() {
        DockerImageName postgresImage = DockerImageName.parse(TlsPostgresContainer.DEFAULT_IMAGE).asCompatibleSubstituteFor("redis");
        try (TlsRedisContainer c = new TlsRedisContainer(postgresImage).withImagePullPolicy(Containers::pullUnlessLocal)) {
            TlsContainerException e = assertThrows(TlsContainerException.class, c::start);
            assertEquals(TlsContainerException.Kind.WRONG_IMAGE, e.kind(), e.getMessage());
            assertTrue(e.logTail().contains("no redis-server on PATH"), e.logTail());
        }
    }

    private static TlsConfig trustOnly(TlsRedisContainer redis) {
        return TlsConfig.builder().trustCertificates(List.of(redis.caCertificate())).build();
    }
}
