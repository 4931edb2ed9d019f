package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs examples/PgVerifyFull.java with the source launcher against the real PostgreSQL 18. */
class PgVerifyFullExampleTest {
    private record Run(int exit, String out) {}

    private static Run run(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path example = TestCerts.baseDir().resolve("examples/PgVerifyFull.java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
                System.getProperty("java.class.path"), example.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PgServer.PASSWORD);
        pb.environment().put("HOME", PgTests.cleanEnv().get("HOME"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out);
    }

    @Test
    void printsTlsFactsWithVerifyFull() throws Exception {
        PgServer s = TestServers.pg18();
        Run r = run("host=localhost port=" + s.port() + " user=loomwire dbname=loomwire sslrootcert="
                + PgTests.cert("ca.crt"), "-c", "SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("SSL connection (protocol: TLSv1.3"), r.out());
        assertTrue(r.out().contains("channel binding: SCRAM-SHA-256-PLUS"), r.out());
        assertTrue(r.out().contains("SNI: localhost"), r.out());
        assertTrue(r.out().contains("loomwire|t"), r.out());
    }

    @Test
    void refusesAWeakerSslmodeAndAWrongHost() throws Exception {
        PgServer s = TestServers.pg18();
        Run weak = run("host=localhost port=" + s.port() + " sslmode=require");
        assertEquals(2, weak.exit(), weak.out());
        Run wrongHost = run("host=db.example.invalid hostaddr=127.0.0.1 port=" + s.port() + " user=loomwire sslrootcert="
                + PgTests.cert("ca.crt"));
        assertEquals(1, wrongHost.exit(), wrongHost.out());
        assertTrue(wrongHost.out().contains("does not match"), wrongHost.out());
    }
}
