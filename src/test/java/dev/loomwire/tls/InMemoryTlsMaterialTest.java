package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConfigException;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Trust anchors and a client key given as objects instead of files (what a Spring Boot SSL bundle
 * hands over): TlsConfig.trustCertificates/clientKey and PgConfig.sslRootCertificates/sslClientKey,
 * against PostgreSQL's {@code cert} authentication and Redis with {@code tls-auth-clients yes}.
 */
class InMemoryTlsMaterialTest {
    private static List<X509Certificate> certs(String name) throws TlsException {
        return PemFiles.readCertificates(TestCerts.file(name));
    }

    private static PrivateKey key(String name) throws TlsException {
        return PemFiles.readPrivateKey(TestCerts.file(name), null);
    }

    @Test
    void postgresCertAuthenticationWithVerifyFullFromMemory() throws Exception {
        PgServer pg = TestServers.pg18();
        PgConfig config = PgConfig.builder().environment(Map.of("HOME", Files.createTempDirectory("home").toString()))
                .conninfo("host=localhost port=" + pg.port() + " dbname=certdb user=loomwire sslmode=verify-full")
                .sslRootCertificates(certs("ca.crt"))
                .sslClientKey(key("client.key"), certs("client.crt"))
                .build();
        assertTrue(config.toString().contains("sslrootcert=<1 certificates in memory>"), config.toString());
        try (PgConnection c = PgConnection.connect(config)) {
            assertEquals("loomwire", c.query("SELECT current_user").single().getString(0));
            assertTrue(c.query("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single().getString(0)
                    .contains("CN=loomwire"));
        }
    }

    @Test
    void postgresSslmodeRequireVerifiesTheChainWhenRootsAreGivenInMemory() throws Exception {
        PgServer pg = TestServers.pg18();
        PgConfig config = PgConfig.builder().environment(Map.of("HOME", Files.createTempDirectory("home").toString()))
                .conninfo("host=localhost port=" + pg.port() + " dbname=loomwire user=loomwire password="
                        + PgServer.PASSWORD + " sslmode=require")
                .sslRootCertificates(certs("other-ca.crt"))
                .build();
        assertEquals(TlsVerification.CA, config.tlsVerification());
        RuntimeException e = assertThrows(RuntimeException.class, () -> PgConnection.connect(config).close());
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
        assertThrows(PgConfigException.class, () -> PgConfig.builder().environment(Map.of())
                .conninfo("sslrootcert=/etc/ca.crt").sslRootCertificates(certs("ca.crt")).build());
    }

    @Test
    void redisMutualTlsFromMemory() throws Exception {
        RedisServer redis = TestServers.redisMtls();
        TlsConfig tls = TlsConfig.builder().trustCertificates(certs("ca.crt"))
                .clientKey(key("client-ec.key"), certs("client-ec.crt")).build();
        assertTrue(tls.toString().contains("clientKey=in memory (CN=loomwire"), tls.toString());
        RedisConfig config = RedisConfig.builder().host("localhost").port(redis.tlsPort()).tls(tls).build();
        try (RedisConnection c = RedisConnection.connect(config)) {
            assertEquals("PONG", c.ping());
            assertTrue(c.tls().orElseThrow().clientCertificateSent());
        }
    }

    @Test
    void mismatchedOrConflictingMaterialIsRejectedByName() throws Exception {
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().clientKey(key("client.key"), certs("client-ec.crt")).build());
        assertTrue(mismatch.getMessage().contains("clientKey does not match certificate"), mismatch.getMessage());
        IllegalArgumentException twoTrusts = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().trustPemFile(TestCerts.file("ca.crt")).trustCertificates(certs("ca.crt")).build());
        assertTrue(twoTrusts.getMessage().contains("trustPemFile and trustCertificates"), twoTrusts.getMessage());
        assertEquals(TlsConfig.builder().trustCertificates(certs("ca.crt")).build(),
                TlsConfig.builder().trustCertificates(certs("ca.crt")).build(), "equal material, one cached context");
    }
}
