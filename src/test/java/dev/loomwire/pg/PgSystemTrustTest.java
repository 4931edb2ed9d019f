package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.Libpq;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sslrootcert=system} trusts what OpenSSL (and so psql) trusts: {@code SSL_CERT_FILE} /
 * {@code SSL_CERT_DIR} when set. A corporate CA installed for psql works for loomwire too, and the
 * error and the probe say which store was used. The environment is the process's, so each case
 * runs {@code probe} in a new JVM.
 */
class PgSystemTrustTest {
    @TempDir
    static Path tmp;

    static List<PgServer> servers() {
        return TestServers.allPg();
    }

    /** libpq (psql, libpq 18) on both servers: SSL_CERT_FILE decides what sslrootcert=system trusts. */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("servers")
    void libpqTrustsWhatOpenSslsEnvironmentNames(PgServer pg) throws IOException {
        Path emptyDir = Files.createDirectories(tmp.resolve("no-certs"));
        assertTrue(Libpq.connect(conninfo(pg), env(TestCerts.file("ca.crt").toString(), emptyDir.toString())).connected(),
                "psql with SSL_CERT_FILE=ca.crt");
        assertFalse(Libpq.connect(conninfo(pg), env(TestCerts.file("other-ca.crt").toString(), emptyDir.toString())).connected(),
                "psql with SSL_CERT_FILE=other-ca.crt");
    }

    /** loomwire in a fresh JVM each (the environment is the process's), through probe, which names the store. */
    @Test
    void loomwireTrustsTheSameAndSaysWhichStore() throws Exception {
        PgServer pg = TestServers.pg18();
        Path emptyDir = Files.createDirectories(tmp.resolve("no-certs"));
        Path certDir = Files.createDirectories(tmp.resolve("certs"));
        Files.copy(TestCerts.file("ca.crt"), certDir.resolve("loomwire-test-root.pem"), StandardCopyOption.REPLACE_EXISTING);

        Run ok = probe(conninfo(pg), env(TestCerts.file("ca.crt").toString(), emptyDir.toString()));
        assertEquals(0, ok.exitCode(), ok.output());
        assertTrue(ok.output().contains("SSL_CERT_FILE=" + TestCerts.file("ca.crt")), ok.output());

        Run refused = probe(conninfo(pg), env(TestCerts.file("other-ca.crt").toString(), emptyDir.toString()));
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("the operating system's trust store as OpenSSL sees it (SSL_CERT_FILE="
                + TestCerts.file("other-ca.crt")), refused.output());

        Run fromDir = probe(conninfo(pg), env(tmp.resolve("missing.pem").toString(), certDir.toString()));
        assertEquals(0, fromDir.exitCode(), fromDir.output());
        assertTrue(fromDir.output().contains("SSL_CERT_DIR=" + certDir), fromDir.output());
    }

    private static String conninfo(PgServer pg) {
        return "host=localhost hostaddr=" + pg.host() + " port=" + pg.port() + " user=" + PgServer.USER
                + " password=" + PgServer.PASSWORD + " dbname=loomwire connect_timeout=20 sslrootcert=system";
    }

    private static Map<String, String> env(String file, String dir) {
        Map<String, String> env = new HashMap<>(PgTests.cleanEnv());
        env.put("SSL_CERT_FILE", file);
        env.put("SSL_CERT_DIR", dir);
        return env;
    }

    private record Run(int exitCode, String output) {}

    private static Run probe(String conninfo, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.loomwire.cli.Main", "probe", conninfo)
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("SSL_CERT"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish: " + out);
        return new Run(p.exitValue(), out);
    }
}
