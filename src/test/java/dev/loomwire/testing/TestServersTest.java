package dev.loomwire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The test servers are up, run the versions we expect and are configured as the contract says. */
class TestServersTest {
    private static final SSLContext TRUST_CA = RawTls.context(TestCerts.file("ca.crt"), null, null);

    @Test
    void pg15RunsVersion15WithSslOn() {
        assertPgVersionAndSsl(TestServers.pg15(), 15);
    }

    @Test
    void pg18RunsVersion18WithSslOn() {
        assertPgVersionAndSsl(TestServers.pg18(), 18);
    }

    private static void assertPgVersionAndSsl(PgServer pg, int major) {
        assertEquals("127.0.0.1", pg.host());
        assertEquals(major, pg.majorVersion());
        String version = pg.psql("loomwire", "SELECT version()").get(0);
        assertTrue(version.startsWith("PostgreSQL " + major + "."), version);
        assertEquals(List.of("on"), pg.psql("loomwire", "SHOW ssl"));
        assertEquals(List.of("scram-sha-256"), pg.psql("postgres", "SHOW password_encryption"));
        assertEquals(List.of("300"), pg.psql("postgres", "SHOW max_connections"));
        assertEquals(List.of("cleartext|SCRAM-SHA-256", "loomwire|SCRAM-SHA-256", "md5user|md5"),
                pg.psql("postgres", "SELECT rolname, CASE WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE split_part(rolpassword, '$', 1) END"
                        + " FROM pg_authid WHERE rolname IN ('loomwire', 'md5user', 'cleartext') ORDER BY 1"));
        assertEquals(PgServer.DATABASES.stream().sorted().toList(), pg.psql("postgres",
                "SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = 'loomwire' ORDER BY 1"));
    }

    @Test
    void pgServersCompleteTls13HandshakeAfterSslRequestWithServerCrt() throws IOException {
        for (PgServer pg : TestServers.allPg()) {
            try (SSLSocket tls = RawTls.connectPostgres(TRUST_CA, pg.host(), pg.port(), "localhost")) {
                assertEquals("TLSv1.3", tls.getSession().getProtocol(), pg.toString());
                String described = RawTls.describe(tls);
                assertTrue(described.contains("CN=localhost") && described.contains("issued by CN=loomwire Test Root CA"), described);
            }
        }
    }

    /** pg_hba.conf as the contract lists it, exercised with psql as the non-superuser roles. */
    @Test
    void pgHbaRulesMatchTheContract() {
        for (PgServer pg : TestServers.allPg()) {
            assertConnects(pg, "loomwire", "loomwire", "loomwire-pw", "disable", null);
            assertConnects(pg, "md5user", "loomwire", "md5-pw", "disable", null);
            assertConnects(pg, "cleartext", "loomwire", "clear-pw", "disable", null);
            assertConnects(pg, "loomwire", "ssldb", "loomwire-pw", "verify-full", null);
            assertRejected(pg, "loomwire", "ssldb", "loomwire-pw", "disable", "no pg_hba.conf entry");
            assertConnects(pg, "loomwire", "plaindb", "loomwire-pw", "disable", null);
            assertRejected(pg, "loomwire", "plaindb", "loomwire-pw", "require", "no pg_hba.conf entry");
            assertConnects(pg, "loomwire", "certdb", null, "verify-full", "client");
            assertRejected(pg, "loomwire", "certdb", "loomwire-pw", "verify-full", "certificate");
            assertConnects(pg, "loomwire", "vfdb", "loomwire-pw", "verify-full", "client");
            assertRejected(pg, "loomwire", "vfdb", "loomwire-pw", "verify-full", "certificate");
            assertConnects(pg, "loomwire", "trustdb", "wrong", "disable", null);
            assertConnects(pg, "md5user", "md5db", "md5-pw", "disable", null);
            assertConnects(pg, "cleartext", "pwdb", "clear-pw", "disable", null);
            assertRejected(pg, "loomwire", "loomwire", "wrong", "disable", "password authentication failed");
            String log = pg.log();
            assertTrue(log.contains("connection authorized: user=loomwire database=ssldb") && log.contains("SSL enabled (protocol=TLSv1.3"),
                    "log_connections lines in " + pg.logFile());
        }
    }

    private static void assertConnects(PgServer pg, String user, String db, String password, String sslmode, String cert) {
        Exec.Result r = psqlAs(pg, user, db, password, sslmode, cert);
        assertEquals(0, r.exitCode(), user + "@" + db + " sslmode=" + sslmode + " on " + pg + ": " + r.stderr());
        assertEquals(user, r.stdout().strip());
    }

    private static void assertRejected(PgServer pg, String user, String db, String password, String sslmode, String why) {
        Exec.Result r = psqlAs(pg, user, db, password, sslmode, null);
        assertTrue(r.exitCode() != 0 && r.stderr().contains(why),
                user + "@" + db + " sslmode=" + sslmode + " on " + pg + " should fail with \"" + why + "\": " + r.stderr());
    }

    private static Exec.Result psqlAs(PgServer pg, String user, String db, String password, String sslmode, String cert) {
        List<String> conninfo = new ArrayList<>(List.of("host=" + pg.host(), "port=" + pg.port(), "user=" + user, "dbname=" + db,
                "sslmode=" + sslmode, "sslrootcert=" + TestCerts.file("ca.crt"), "connect_timeout=10"));
        if (password != null) {
            conninfo.add("password=" + password);
        }
        if (cert != null) {
            conninfo.add("sslcert=" + TestCerts.file(cert + ".crt"));
            conninfo.add("sslkey=" + TestCerts.file(cert + ".key"));
        }
        return Exec.run(List.of(PgBinaries.psql().toString(), "-X", "-At", "-c", "SELECT current_user", String.join(" ", conninfo)),
                Map.of("PGPASSWORD", ""), null, Duration.ofSeconds(30));
    }

    @Test
    void redisAnswersPingOnItsPlainPort() throws IOException {
        RedisServer redis = TestServers.redis();
        try (Socket s = new Socket(redis.host(), redis.plainPort())) {
            s.setSoTimeout(10_000);
            assertEquals("+PONG", RawTls.redisCommand(s, "PING"));
            assertEquals("+OK", RawTls.redisCommand(s, "AUTH", RedisServer.USER, RedisServer.PASSWORD));
        }
    }

    @Test
    void redisTlsPortCompletesTls13HandshakeAndAnswersPing() throws IOException {
        RedisServer redis = TestServers.redis();
        try (SSLSocket tls = RawTls.connect(TRUST_CA, redis.host(), redis.tlsPort(), "localhost")) {
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
            assertEquals("+PONG", RawTls.redisCommand(tls, "PING"));
        }
    }

    @Test
    void redisMtlsRejectsClientsWithoutCertificate() {
        RedisServer redis = TestServers.redisMtls();
        assertEquals(-1, redis.plainPort());
        try (SSLSocket tls = RawTls.connect(TRUST_CA, redis.host(), redis.tlsPort(), "localhost")) {
            // TLS 1.3: the client finishes its handshake before the server checks the (missing) certificate
            String reply = RawTls.redisCommand(tls, "PING");
            fail("redisMtls answered " + reply + " to a client without certificate");
        } catch (IOException expected) {
            // handshake alert, reset or end of stream: all say "rejected"
        }
    }

    @Test
    void redisMtlsAcceptsClientP12() throws IOException {
        RedisServer redis = TestServers.redisMtls();
        SSLContext withClientCert = RawTls.context(TestCerts.file("ca.crt"), TestCerts.file("client.p12"), TestCerts.password());
        try (SSLSocket tls = RawTls.connect(withClientCert, redis.host(), redis.tlsPort(), "localhost")) {
            assertEquals("+PONG", RawTls.redisCommand(tls, "PING"));
        }
    }

    @Test
    void startRedisServesTheRequestedCertificateUntilClosed() throws IOException {
        int port;
        try (RedisServer expired = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-expired.crt", "server-expired.key").withPlainPort(false))) {
            port = expired.tlsPort();
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> RawTls.connect(TRUST_CA, expired.host(), expired.tlsPort(), "localhost").close());
            assertTrue(String.valueOf(e.getMessage()).contains("expired") || String.valueOf(e.getCause()).contains("xpired"),
                    String.valueOf(e));
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void startRedisFailureShowsTheServerLog() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestServers.startRedis(RedisServer.Options.defaults().withConfig("tls-protocols TLSv9")).close());
        assertTrue(e.getMessage().contains("exited during startup") && e.getMessage().contains("tls-protocols"), e.getMessage());
    }

    /**
     * Every server records how long it took to start (3-6 s in parallel on a quiet machine). No
     * time bound is asserted: wall-clock limits belong to benchmarks, and this machine's load
     * swings them several-fold; the times are printed for whoever reads the test output.
     */
    @Test
    void serversRecordTheirStartupTimes() {
        TestServers.allPg();
        TestServers.redis();
        TestServers.redisMtls();
        Map<String, Duration> times = TestServers.startupTimes();
        for (String name : List.of("pg15", "pg18", "redis", "redis-mtls")) {
            assertTrue(times.containsKey(name) && !times.get(name).isNegative(), name + ": " + times);
        }
        System.out.println("test servers started in " + times);
        Path runDir = TestServers.pg15().dataDir().getParent().getParent();
        assertEquals(Long.toString(ProcessHandle.current().pid()), runDir.getFileName().toString());
    }
}
