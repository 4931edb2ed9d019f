package dev.loomwire.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomwire.pg.PgConnection;
import dev.loomwire.redis.RedisConnection;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The README's Testcontainers example as written there (official image names; here
 * dev.loomwire.testing.TestImages substitutes the local images), plus assertions.
 */
@Testcontainers
class ReadmeContainersExampleTest {
    @Container static TlsPostgresContainer pg = new TlsPostgresContainer();  // postgres:18, ssl=on
    @Container static TlsRedisContainer redis = new TlsRedisContainer();     // redis:7, TLS port only

    @Test
    void storesOverTls() {
        try (PgConnection db = PgConnection.connect(pg.pgConfig());             // sslmode=verify-full
             RedisConnection cache = RedisConnection.connect(redis.redisConfig())) { // full verification, client cert
            db.query("SELECT 1");
            cache.set("k", "v");
            assertEquals("v", cache.get("k"));
            assertEquals(true, db.tls().isPresent() && cache.tls().isPresent());
        }
    }
}
