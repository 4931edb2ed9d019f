package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code probe rediss://...} against the real Redis test servers: the shared one (tls-auth-clients
 * optional), the mutual-TLS one (tls-auth-clients yes) and on-demand ones serving an expired
 * certificate and a DNS-only certificate.
 */
class ProbeRedisTest {

    private static String ca(String name) {
        return TestCerts.file(name).toString();
    }

    @Test
    void happyPathShowsTlsChainVerdictsAndServerVersion() {
        RedisServer redis = TestServers.redis();
        Cli.Result r = Cli.run("probe", "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + ca("ca.crt"));
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("TLSv1.3"), out);
        assertTrue(out.contains("sslverify      full (default)"), out);
        assertTrue(out.matches("(?s).*\\n  full\\s+OK\\s+\\(requested\\).*"), out);
        assertTrue(out.matches("(?s).*\\n  ca\\s+OK.*"), out);
        assertTrue(out.matches("(?s).*\\n  none\\s+OK.*"), out);
        assertTrue(out.matches("(?s).*Redis \\d+\\.\\d+.*"), out);
        assertTrue(out.contains("result: sslverify=full would succeed"), out);
    }

    @Test
    void wrongCaIsExplained() {
        RedisServer redis = TestServers.redis();
        String other = ca("other-ca.crt");
        Cli.Result r = Cli.run("probe", "rediss://localhost:" + redis.tlsPort() + "?sslverify=ca&sslrootcert=" + other);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("which is not in your sslrootcert " + other), r.out());
        assertTrue(r.out().matches("(?s).*\\n  none\\s+OK.*"), r.out());
    }

    @Test
    void expiredCertificateIsExplained() {
        try (RedisServer expired = TestServers.startRedis(
                RedisServer.Options.defaults().withCertificate("server-expired.crt", "server-expired.key"))) {
            Cli.Result r = Cli.run("probe", "rediss://localhost:" + expired.tlsPort() + "?sslrootcert=" + ca("ca.crt"));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.out().contains("EXPIRED on 2020-"), r.out());
            assertTrue(r.out().contains("expired on 2020-"), r.out());
            assertTrue(r.out().matches("(?s).*\\n  full\\s+FAIL.*expired on 2020-.*"), r.out());
            assertTrue(r.out().matches("(?s).*\\n  none\\s+OK.*"), r.out());
            assertTrue(Cli.run("probe", "rediss://localhost:" + expired.tlsPort() + "?sslverify=none").exitCode() == 0);
        }
    }

    @Test
    void ipAddressNotInADnsOnlyCertificateFailsFullButNotCa() {
        try (RedisServer dnsOnly = TestServers.startRedis(
                RedisServer.Options.defaults().withCertificate("server-dnsonly.crt", "server-dnsonly.key"))) {
            Cli.Result r = Cli.run("probe", "rediss://127.0.0.1:" + dnsOnly.tlsPort() + "?sslverify=full&sslrootcert=" + ca("ca.crt"));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.out().contains("host 127.0.0.1 not in SANs [localhost] (an IP address must match an IP SAN)"), r.out());
            assertTrue(r.out().matches("(?s).*\\n  ca\\s+OK.*"), r.out());

            assertEquals(0, Cli.run("probe", "rediss://127.0.0.1:" + dnsOnly.tlsPort() + "?sslverify=ca&sslrootcert=" + ca("ca.crt")).exitCode());
            assertEquals(0, Cli.run("probe", "rediss://localhost:" + dnsOnly.tlsPort() + "?sslrootcert=" + ca("ca.crt")).exitCode());
        }
    }

    @Test
    void clientCertificateRequiredIsDetectedOnTheFirstRead() {
        RedisServer mtls = TestServers.redisMtls();
        Cli.Result r = Cli.run("probe", "rediss://localhost:" + mtls.tlsPort() + "?sslrootcert=" + ca("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("alert certificate_required: the server requires a client certificate and none was sent"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  full\\s+OK.*"), "the server certificate itself is fine: " + r.out());

        Cli.Result withCert = Cli.run("probe", "rediss://localhost:" + mtls.tlsPort() + "?sslrootcert=" + ca("ca.crt")
                + "&sslcert=" + ca("client.crt") + "&sslkey=" + ca("client-encrypted.key") + "&sslpassword=" + TestCerts.PASSWORD);
        assertEquals(0, withCert.exitCode(), withCert.toString());
        assertFalse(withCert.out().contains(TestCerts.PASSWORD), "the password must never be printed: " + withCert.out());
        assertTrue(withCert.out().contains("(set, not shown)"), withCert.out());
    }

    @Test
    void plaintextPortIsRecognized() {
        RedisServer redis = TestServers.redis();
        Cli.Result r = Cli.run("probe", "--timeout", "2", "rediss://localhost:" + redis.plainPort() + "?sslrootcert=" + ca("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("did not answer with TLS"), r.out());
        assertTrue(r.out().contains("so this is a plaintext port (use redis://"), r.out());

        Cli.Result plain = Cli.run("probe", "redis://localhost:" + redis.plainPort());
        assertEquals(0, plain.exitCode(), plain.toString());
        assertTrue(plain.out().contains("WITHOUT encryption"), plain.out());
        assertTrue(plain.out().matches("(?s).*Redis \\d+\\.\\d+.*"), plain.out());
    }

    @Test
    void jsonOutputHasTheReportShape() {
        RedisServer redis = TestServers.redis();
        Cli.Result r = Cli.run("probe", "--json", "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + ca("ca.crt"));
        assertEquals(0, r.exitCode(), r.toString());
        Map<?, ?> root = (Map<?, ?>) MiniJson.parse(r.out());
        Map<?, ?> tls = ((List<?>) root.get("phases")).stream().map(p -> (Map<?, ?>) p)
                .filter(p -> "tls handshake".equals(p.get("name"))).findFirst().orElseThrow();
        assertEquals("TLSv1.3", tls.get("protocol"));
        assertTrue(tls.get("ms") instanceof Double, r.out());
        Map<?, ?> leaf = (Map<?, ?>) ((List<?>) root.get("chain")).get(0);
        assertEquals("CN=localhost,O=loomwire tests", leaf.get("subject"));
        assertTrue(((List<?>) leaf.get("SANs")).contains("DNS:localhost"), r.out());
        assertEquals(Boolean.TRUE, ((Map<?, ?>) root.get("result")).get("ok"));
    }
}
