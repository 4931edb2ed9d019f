package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgConnectionException;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.PgServerTls;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When a real server refuses the client with a TLS alert, both drivers say which alert and what it
 * means: during the handshake (TLS 1.2) and after it (TLS 1.3, where the verdict on the client
 * certificate arrives while the first request is written or read).
 */
class ServerAlertsTest {

    static List<PgServer> pgServers() {
        return TestServers.allPg();
    }

    // ---------------------------------------------------------------- Redis (tls-auth-clients yes)

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void redisWithoutClientCertificate(String version) {
        TlsException e = redisRefusal("", version);
        if (version.equals("TLSv1.3")) {
            assertAlert(e, TlsAlert.CERTIFICATE_REQUIRED, "the server requires a client certificate and none was sent");
        } else {
            // OpenSSL servers say handshake_failure under TLS 1.2; having been asked for a certificate we know why
            assertAlert(e, TlsAlert.HANDSHAKE_FAILURE, "the server requires a client certificate and none was sent");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void redisRejectsEachBadClientCertificateByName(String version) {
        assertAlert(redisRefusal(client("client-other-ca"), version), TlsAlert.UNKNOWN_CA,
                "the server does not trust the client certificate's issuer");
        assertAlert(redisRefusal(client("client-expired"), version), TlsAlert.CERTIFICATE_EXPIRED,
                "the client certificate has expired");
        assertAlert(redisRefusal(client("client-future"), version), TlsAlert.BAD_CERTIFICATE,
                "the server rejected the client certificate as unacceptable");
    }

    @Test
    void redisOfferingNoCommonProtocolVersion() {
        try (RedisServer tls13 = TestServers.startRedis(RedisServer.Options.defaults().withConfig("tls-protocols TLSv1.3"))) {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> RedisConnection.connect(
                    "rediss://localhost:" + tls13.tlsPort() + "?sslrootcert=" + cert("ca.crt") + "&ssl_max_protocol_version=TLSv1.2"));
            assertAlert(tls(e), TlsAlert.PROTOCOL_VERSION, "supports none of the TLS protocol versions the client offered"
                    + " (offered [TLSv1.2])");
        }
    }

    @Test
    void aPlaintextPortIsStillReportedAsNotTls() {
        RedisServer redis = TestServers.redis();
        RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> RedisConnection.connect(
                "rediss://localhost:" + redis.plainPort() + "?sslrootcert=" + cert("ca.crt") + "&connect_timeout=1"));
        // Redis waits for a whole plaintext command line, so the handshake times out; no alert is claimed
        assertEquals(TlsException.Kind.TIMEOUT, tls(e).kind(), e.getMessage());
        assertTrue(e.getMessage().contains("is port " + redis.plainPort() + " a plaintext port? then use redis://"), e.getMessage());
        assertTrue(tls(e).alert().isEmpty());
    }

    @Test
    void probeNamesTheAlertToo() throws Exception {
        RedisServer mtls = TestServers.redisMtls();
        var out = new java.io.ByteArrayOutputStream();
        int code = dev.loomwire.cli.Main.run(new String[] {"probe", "rediss://localhost:" + mtls.tlsPort() + "?sslrootcert="
                + cert("ca.crt") + "&" + client("client-other-ca")}, new java.io.PrintStream(out, true), new java.io.PrintStream(out, true));
        String text = out.toString();
        assertEquals(1, code, text);
        assertTrue(text.contains("alert unknown_ca: the server does not trust the client certificate's issuer"), text);
        assertFalse(text.contains("may have"), text);
    }

    private static TlsException redisRefusal(String params, String version) {
        RedisServer mtls = TestServers.redisMtls();
        String uri = "rediss://localhost:" + mtls.tlsPort() + "?sslrootcert=" + cert("ca.crt") + "&ssl_max_protocol_version="
                + version + (params.isEmpty() ? "" : "&" + params);
        RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> {
            try (RedisConnection c = RedisConnection.connect(uri)) {
                c.ping();
            }
        });
        return tls(e);
    }

    // ---------------------------------------------------------------- PostgreSQL (hostssl certdb ... cert)

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("pgServers")
    void postgresRejectsEachBadClientCertificateByName(PgServer pg) {
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            assertAlert(pgRefusal(pg, "client-other-ca", version), TlsAlert.UNKNOWN_CA,
                    "the server does not trust the client certificate's issuer");
            assertAlert(pgRefusal(pg, "client-expired", version), TlsAlert.CERTIFICATE_EXPIRED,
                    "the client certificate has expired");
            assertAlert(pgRefusal(pg, "client-future", version), TlsAlert.BAD_CERTIFICATE,
                    "the server rejected the client certificate as unacceptable");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("pgServers")
    void postgresNamesARevokedClientCertificate(PgServer pg) {
        try (var crl = PgServerTls.set(pg, Map.of("ssl_crl_file", "ca.crl"))) {
            for (String version : List.of("TLSv1.3", "TLSv1.2")) {
                assertAlert(pgRefusal(pg, "client-revoked", version), TlsAlert.CERTIFICATE_REVOKED,
                        "the server has revoked the client certificate");
            }
            try (PgConnection c = PgConnection.connect(pgConfig(pg, "client", "TLSv1.3"))) {
                assertEquals("loomwire", c.query("SELECT current_user").single().getString(0));
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("pgServers")
    void postgresOfferingNoCommonProtocolVersion(PgServer pg) {
        try (var min = PgServerTls.set(pg, Map.of("ssl_min_protocol_version", "TLSv1.3"))) {
            assertAlert(pgRefusal(pg, "client", "TLSv1.2"), TlsAlert.PROTOCOL_VERSION,
                    "supports none of the TLS protocol versions the client offered");
        }
    }

    private static TlsException pgRefusal(PgServer pg, String client, String version) {
        PgConnectionException e = assertThrows(PgConnectionException.class, () -> {
            try (PgConnection c = PgConnection.connect(pgConfig(pg, client, version))) {
                c.query("SELECT 1");
            }
        });
        return tls(e);
    }

    private static PgConfig pgConfig(PgServer pg, String client, String version) {
        return PgConfig.builder().environment(Map.of("HOME", TestCerts.dir().toString()))
                .conninfo("host=localhost hostaddr=" + pg.host() + " port=" + pg.port() + " user=" + PgServer.USER
                        + " dbname=certdb connect_timeout=20 sslmode=verify-full sslrootcert=" + cert("ca.crt")
                        + " ssl_max_protocol_version=" + version + " " + client(client).replace('&', ' '))
                .build();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertAlert(TlsException e, TlsAlert alert, String meaning) {
        assertEquals(TlsException.Kind.REJECTED, e.kind(), e.getMessage());
        assertEquals(alert, e.alert().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().contains("alert " + alert.alertName() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(meaning), e.getMessage());
        assertFalse(e.getMessage().contains("may have"), e.getMessage());
    }

    private static TlsException tls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsException te) {
                return te;
            }
        }
        throw new AssertionError("no TlsException in " + e, e);
    }

    private static String client(String name) {
        return "sslcert=" + cert(name + ".crt") + "&sslkey=" + cert(name + ".key");
    }

    private static String cert(String name) {
        assertTrue(Files.isRegularFile(TestCerts.file(name)));
        return TestCerts.file(name).toString();
    }
}
