package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgConnectionException;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@code probe} against the real PostgreSQL 15 and 18 test servers (ssl=on, server.crt signed by
 * ca.crt, SANs localhost/127.0.0.1/::1) and against scripted fake servers for what the real ones
 * cannot show (no SSL support, plaintext injected after 'S').
 */
class ProbePostgresTest {

    private static String ca(String name) {
        return TestCerts.file(name).toString();
    }

    private static String conninfo(PgServer pg, String more) {
        return "host=localhost port=" + pg.port() + " user=loomwire dbname=loomwire " + more;
    }

    @Test
    void pg15VerifyFullHappyPathShowsChainVerdictsAndScramPlus() {
        PgServer pg = TestServers.pg15();
        Cli.Result r = Cli.run("probe", conninfo(pg, "sslmode=verify-full sslrootcert=" + ca("ca.crt")));
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("S: the server accepts TLS"), out);
        assertTrue(out.contains("TLSv1.3"), out);
        assertTrue(out.contains("sni sent: localhost"), out);
        assertTrue(out.contains("CN=localhost,O=loomwire tests"), out);
        assertTrue(out.contains("DNS:localhost") && out.contains("IP:127.0.0.1"), out);
        assertTrue(out.contains("RSA 2048 bits"), out);
        assertTrue(out.matches("(?s).*verify-ca\\s+OK.*"), out);
        assertTrue(out.matches("(?s).*verify-full\\s+OK\\s+\\(requested\\).*"), out);
        assertTrue(out.contains("SASL: SCRAM-SHA-256-PLUS, SCRAM-SHA-256") || out.contains("SASL: SCRAM-SHA-256, SCRAM-SHA-256-PLUS"), out);
        assertTrue(out.contains("known only after authentication"), out);
        assertTrue(out.contains("result: sslmode=verify-full would succeed"), out);
    }

    @Test
    void pg18ViaUriReportsMd5AndTrustWithServerVersion() {
        PgServer pg = TestServers.pg18();
        Cli.Result md5 = Cli.run("probe", "postgresql://md5user@localhost:" + pg.port() + "/md5db?sslmode=verify-full&sslrootcert=" + ca("ca.crt"));
        assertEquals(0, md5.exitCode(), md5.toString());
        assertTrue(md5.out().contains("MD5 password"), md5.out());

        Cli.Result trust = Cli.run("probe", "postgresql://loomwire@127.0.0.1:" + pg.port() + "/trustdb?sslmode=verify-full&sslrootcert=" + ca("ca.crt"));
        assertEquals(0, trust.exitCode(), trust.toString());
        assertTrue(trust.out().contains("AuthenticationOk"), trust.out());
        assertTrue(trust.out().contains("PostgreSQL 18."), trust.out());
        assertTrue(trust.out().contains("sni sent: none"), "no SNI for an IP address: " + trust.out());
    }

    @Test
    void pg18DirectNegotiationUsesAlpnPostgresqlWithoutSslRequest() {
        PgServer pg = TestServers.pg18();
        Cli.Result r = Cli.run("probe", conninfo(pg, "sslnegotiation=direct sslmode=verify-full sslrootcert=" + ca("ca.crt")));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("alpn: postgresql"), r.out());
        assertFalse(r.out().contains("sslrequest"), r.out());
        assertTrue(r.out().contains("SCRAM-SHA-256"), r.out());
    }

    @Test
    void pg15DoesNotSupportDirectNegotiation() {
        PgServer pg = TestServers.pg15();
        Cli.Result r = Cli.run("probe", conninfo(pg, "sslnegotiation=direct sslmode=require"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PostgreSQL 17"), r.out());
    }

    @Test
    void wrongCaIsExplainedAndFailsVerifyCa() {
        PgServer pg = TestServers.pg15();
        String other = ca("other-ca.crt");
        Cli.Result r = Cli.run("probe", conninfo(pg, "sslmode=verify-ca sslrootcert=" + other));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("verify-ca: FAIL") || r.out().matches("(?s).*verify-ca\\s+FAIL.*"), r.out());
        assertTrue(r.out().contains("chain ends at 'CN=loomwire Test Root CA,O=loomwire tests', which is not in your sslrootcert"), r.out());
        assertTrue(r.out().contains("which is not in your sslrootcert " + other), r.out());
        assertTrue(r.out().contains("result: sslmode=verify-ca would FAIL: chain ends at"), r.out());
    }

    @Test
    void wrongHostFailsOnlyVerifyFull() {
        PgServer pg = TestServers.pg18();
        Cli.Result r = Cli.run("probe", "host=db.example.invalid hostaddr=127.0.0.1 port=" + pg.port()
                + " user=loomwire dbname=loomwire sslmode=verify-full sslrootcert=" + ca("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("skipped: hostaddr=127.0.0.1 given"), r.out());
        assertTrue(r.out().contains("sni sent: db.example.invalid"), r.out());
        assertTrue(r.out().matches("(?s).*verify-ca\\s+OK.*"), r.out());
        assertTrue(r.out().contains("host db.example.invalid not in SANs [localhost, 127.0.0.1"), r.out());

        Cli.Result ca = Cli.run("probe", "host=db.example.invalid hostaddr=127.0.0.1 port=" + pg.port()
                + " user=loomwire sslmode=verify-ca sslrootcert=" + ca("ca.crt"));
        assertEquals(0, ca.exitCode(), ca.toString());
    }

    @Test
    void requireWithoutRootCertificateSucceedsButVerifyModesCannot() {
        PgServer pg = TestServers.pg15();
        Cli.Result r = Cli.run("probe", conninfo(pg, "sslmode=require"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("no root certificate to verify against"), r.out());
    }

    @Test
    void serverWithoutSslFailsRequireAndFallsBackUnderPrefer() throws IOException {
        try (FakePgServer fake = new FakePgServer(new byte[] {'N'})) {
            Cli.Result require = Cli.run("probe", "host=localhost port=" + fake.port() + " user=u sslmode=require");
            assertEquals(1, require.exitCode(), require.toString());
            assertTrue(require.out().contains("N: server does not support SSL"), require.out());
            assertTrue(require.out().contains("result: sslmode=require would FAIL: server does not support SSL"), require.out());

            Cli.Result prefer = Cli.run("probe", "host=localhost port=" + fake.port() + " user=u");
            assertEquals(0, prefer.exitCode(), prefer.toString());
            assertTrue(prefer.out().contains("WITHOUT encryption"), prefer.out());
            assertTrue(prefer.out().contains("cleartext password"), prefer.out());
            assertTrue(prefer.out().contains("in PLAINTEXT"), prefer.out());
        }
    }

    @Test
    void plaintextInjectedAfterTheSslResponseIsFlagged() throws IOException {
        byte[] reply = "SE\0\0\0\u0010SFATAL\0Mgotcha\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (FakePgServer fake = new FakePgServer(reply)) {
            String conninfo = "host=localhost port=" + fake.port() + " user=u sslmode=require";
            Cli.Result r = Cli.run("probe", conninfo);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.out().contains("CVE-2021-23222"), r.out());
            assertFalse(r.out().contains("gotcha"), "injected text must not be shown: " + r.out());
            PgConnectionException driver = assertThrows(PgConnectionException.class, () -> PgConnection.connect(conninfo));
            assertTrue(r.out().contains(driver.getMessage()),
                    "the probe runs the driver's pipeline and refuses in its words: " + driver.getMessage() + "\n" + r.out());
        }
    }

    @Test
    void errorReplyToSslRequestIsNotEchoed() throws IOException {
        byte[] reply = "E".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (FakePgServer fake = new FakePgServer(reply)) {
            Cli.Result r = Cli.run("probe", "host=localhost port=" + fake.port() + " user=u sslmode=require");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.out().contains("text not shown"), r.out());
        }
    }

    @Test
    void jsonOutputHasTheReportShape() {
        PgServer pg = TestServers.pg15();
        Cli.Result r = Cli.run("probe", "--json", conninfo(pg, "sslmode=verify-full sslrootcert=" + ca("other-ca.crt")));
        assertEquals(1, r.exitCode(), r.toString());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> root = (java.util.Map<String, Object>) MiniJson.parse(r.out());
        assertEquals("postgresql", ((java.util.Map<?, ?>) root.get("target")).get("protocol"));
        java.util.List<?> phases = (java.util.List<?>) root.get("phases");
        assertTrue(phases.stream().anyMatch(p -> "tls handshake".equals(((java.util.Map<?, ?>) p).get("name"))), r.out());
        assertFalse(((java.util.List<?>) root.get("chain")).isEmpty());
        java.util.Map<?, ?> result = (java.util.Map<?, ?>) root.get("result");
        assertEquals(Boolean.FALSE, result.get("ok"));
        assertEquals(1.0, result.get("exit_code"));
        java.util.List<?> modes = (java.util.List<?>) ((java.util.Map<?, ?>) root.get("verification")).get("modes");
        assertEquals(3, modes.size());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, Cli.run("probe").exitCode());
        assertEquals(2, Cli.run("probe", "host=x sslmode=bogus").exitCode());
        assertEquals(2, Cli.run("probe", "--nope", "host=x").exitCode());
        assertEquals(2, Cli.run("frobnicate").exitCode());
        Cli.Result help = Cli.run("probe", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--check-files"), help.out());
    }
}
