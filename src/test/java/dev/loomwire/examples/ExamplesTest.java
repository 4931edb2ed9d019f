package dev.loomwire.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs each program in examples/ the way a user would, {@code java -cp <class path> examples/X.java
 * args}, against the real TLS servers, and checks the exit code and the lines that show the
 * feature worked.
 */
class ExamplesTest {
    /** What a finished example printed (stdout and stderr together) and its exit code. */
    record Run(int exit, String out) {
        Run expect(int code, String... fragments) {
            assertEquals(code, exit, out);
            for (String f : fragments) {
                assertTrue(out.contains(f), "output lacks \"" + f + "\":\n" + out);
            }
            return this;
        }
    }

    /** An empty HOME: no ~/.postgresql files or ~/.pgpass from the machine running the tests. */
    private static final class EmptyHome {
        static final Path DIR = create();

        private static Path create() {
            try {
                return Files.createTempDirectory("loomwire-examples-home");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Run run(String example, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path source = TestCerts.baseDir().resolve("examples").resolve(example);
        assertTrue(Files.isRegularFile(source), source + " is missing");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), source.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("HOME", EmptyHome.DIR.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(example + " did not finish within 60 s:\n" + out);
        }
        System.out.println("examples/" + example + " exited " + p.exitValue() + ":\n" + out);
        return new Run(p.exitValue(), out);
    }

    static String cert(String name) {
        return TestCerts.file(name).toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void pgClientCertWithVerifyFullOnCertAuthDatabase() throws Exception {
        PgServer pg = TestServers.pg18();
        run("PgClientCert.java", "host=localhost port=" + pg.port() + " dbname=certdb user=loomwire sslrootcert="
                + cert("ca.crt") + " sslcert=" + cert("client.crt") + " sslkey=" + cert("client.key"))
                .expect(0, "TLS TLSv1.3", "verify-full", "server certificate: CN=localhost",
                        "client certificate sent: CN=loomwire", "server saw client certificate: ", "CN=loomwire",
                        "logged in as loomwire");
    }

    @Test
    void pgDirectSslOnPostgres18() throws Exception {
        PgServer pg = TestServers.pg18();
        run("PgDirectSsl.java", "host=localhost port=" + pg.port() + " dbname=loomwire user=loomwire password="
                + PgServer.PASSWORD + " sslrootcert=" + cert("ca.crt"))
                .expect(0, "sslnegotiation=direct   -> direct negotiation, ALPN postgresql, TLSv1.3",
                        "sslnegotiation=postgres -> postgres (SSLRequest) negotiation", "server says TLSv1.3",
                        "server version 18");
    }

    @Test
    void redisMutualTlsWithPemFiles() throws Exception {
        RedisServer redis = TestServers.redisMtls();
        run("RedisMtlsPem.java", "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + enc(cert("ca.crt"))
                + "&sslcert=" + enc(cert("client.crt")) + "&sslkey=" + enc(cert("client.key")))
                .expect(0, "TLS TLSv1.3", "verification FULL", "server certificate: CN=localhost",
                        "client certificate sent: CN=loomwire", "PING -> PONG", "-> hello over mutual TLS");
    }

    @Test
    void redisPipelineAndPubSubOverTls() throws Exception {
        RedisServer redis = TestServers.redis();
        run("RedisPipelinePubSub.java", "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + enc(cert("ca.crt")),
                "200")
                .expect(0, "over TLSv1.3", "one by one: 200 SETs", "pipeline: 200 SETs + 200 GETs in one write: 400 replies",
                        "all match", "received on news: hello", "received on news: world",
                        "received on alerts.disk (pattern alerts.*): 90% full", "PING -> PONG");
    }

    @Test
    void thousandsOfVirtualThreadsThroughThePools() throws Exception {
        PgServer pg = TestServers.pg18();
        RedisServer redis = TestServers.redis();
        run("ThousandsOfVirtualThreads.java", "host=localhost port=" + pg.port() + " dbname=loomwire user=loomwire password="
                + PgServer.PASSWORD + " sslmode=verify-full sslrootcert=" + cert("ca.crt"),
                "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + enc(cert("ca.crt")), "2000", "8")
                .expect(0, "2000 virtual threads, each 1 PostgreSQL query + 4 Redis commands, through pools of 8",
                        "TLS: postgres TLSv1.3, redis TLSv1.3", "finished 2000, wrong answers 0, redis counter 2000");
    }

    @Test
    void oneLinerForPostgresAndRedis() throws Exception {
        PgServer pg = TestServers.pg18();
        run("OneLiner.java", "postgresql://loomwire:" + PgServer.PASSWORD + "@localhost:" + pg.port()
                + "/loomwire?sslmode=verify-full&sslrootcert=" + enc(cert("ca.crt")),
                "SELECT 6 * 7, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").expect(0, "42|t");
        RedisServer redis = TestServers.redis();
        run("OneLiner.java", "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:" + redis.tlsPort()
                + "?sslrootcert=" + enc(cert("ca.crt")), "ACL", "WHOAMI").expect(0, "loomwire");
        run("OneLiner.java", "host=localhost port=" + pg.port() + " dbname=loomwire user=loomwire password=wrong"
                + " sslmode=verify-full sslrootcert=" + cert("ca.crt")).expect(1, "OneLiner: ", "password authentication failed");
    }
}
