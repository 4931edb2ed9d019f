package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS features against the real servers: client certificates, direct SSL, channel binding, encrypted cancel. */
class PgTlsTest {
    private static final String PW = TestCerts.PASSWORD;

    /** certdb uses the "cert" method: the client certificate (CN=loomwire) is the only credential. */
    @ParameterizedTest(name = "PG {0}: cert auth with {1} / {2}")
    @CsvSource({
        "15, client.crt, client.key, ''",
        "15, client.crt, client-pkcs1.key, ''",
        "15, client.crt, client-encrypted.key, " + PW,
        "15, client.crt, client-key.der, ''",
        "15, client-ec.crt, client-ec.key, ''",
        "18, client.crt, client.key, ''",
        "18, client.crt, client-pkcs1.key, ''",
        "18, client.crt, client-encrypted.key, " + PW,
        "18, client.crt, client-key.der, ''",
        "18, client-ec.crt, client-ec.key, ''",
    })
    void certAuthenticationWithEachKeyFormat(int version, String cert, String key, String keyPassword) {
        PgServer s = version == 15 ? TestServers.pg15() : TestServers.pg18();
        String extra = "dbname=certdb password='' sslcert=" + PgTests.cert(cert) + " sslkey=" + PgTests.cert(key)
                + (keyPassword.isEmpty() ? "" : " sslpassword=" + keyPassword);
        try (PgConnection c = PgTests.connect(s, extra)) {
            assertEquals("certdb", c.query("SELECT current_database()").single().getString(0));
            PgRow ssl = c.query("SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
            assertTrue(ssl.getBoolean("ssl"));
            assertTrue(ssl.getString("client_dn").contains("CN=loomwire"), ssl.getString("client_dn"));
        }
    }

    @ParameterizedTest(name = "PG {0}: clientcert=verify-full plus SCRAM")
    @ValueSource(ints = {15, 18})
    void clientCertVerifyFullWithPassword(int version) {
        PgServer s = version == 15 ? TestServers.pg15() : TestServers.pg18();
        try (PgConnection c = PgTests.connect(s, "dbname=vfdb sslcert=" + PgTests.cert("client.crt")
                + " sslkey=" + PgTests.cert("client-pkcs1.key"))) {
            assertEquals("vfdb", c.query("SELECT current_database()").single().getString(0));
        }
        PgException noCert = assertThrows(PgException.class, () -> PgTests.connect(s, "dbname=vfdb").close());
        assertNotNull(noCert.getMessage());
    }

    @Test
    void certdbWithoutClientCertificateIsRefused() {
        var e = assertThrows(PgAuthenticationException.class, () -> PgTests.connect(TestServers.pg18(), "dbname=certdb").close());
        assertEquals("28000", e.sqlState());
    }

    @Test
    void wrongKeyPasswordIsNamed() {
        var e = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "dbname=certdb sslcert=" + PgTests.cert("client.crt") + " sslkey=" + PgTests.cert("client-encrypted.key")
                        + " sslpassword=not-the-password").close());
        assertTrue(e.getMessage().contains("wrong sslpassword"), e.getMessage());
        assertTrue(e.getMessage().contains("client-encrypted.key"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void unsupportedTlsSettingsAreConnectionErrors() {
        var e = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(TestServers.pg18(), "sslkeylogfile=/tmp/keys").close());
        assertTrue(e.getMessage().startsWith("invalid TLS settings: sslkeylogfile"), e.getMessage());
        var old = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(TestServers.pg18(), "ssl_min_protocol_version=TLSv1.1").close());
        assertTrue(old.getMessage().contains("TLSv1.1"), old.getMessage());
        try (PgConnection c = PgTests.connect(TestServers.pg18(), "ssl_max_protocol_version=TLSv1.2")) {
            assertEquals("TLSv1.2", c.tls().orElseThrow().protocol());
        }
    }

    @Test
    void sslcertmodeRequireWithAClientCertificate() {
        try (PgConnection c = PgTests.connect(TestServers.pg18(), "sslcertmode=require sslcert="
                + PgTests.cert("client.crt") + " sslkey=" + PgTests.cert("client.key"))) {
            assertTrue(c.tls().isPresent());
        }
        var e = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(TestServers.pg18(), "sslcertmode=require").close());
        assertTrue(e.getMessage().contains("no client certificate is configured"), e.getMessage());
    }

    @Test
    void sniCrlAndSystemTrust() {
        PgServer s = TestServers.pg18();
        try (PgConnection c = PgTests.connect(s, "host=localhost")) {
            assertEquals("localhost", c.tls().orElseThrow().session().sniSent());
        }
        try (PgConnection c = PgTests.connect(s, "host=localhost sslsni=0")) {
            assertNull(c.tls().orElseThrow().session().sniSent());
        }
        try (PgConnection c = PgTests.connect(s, "")) {
            assertNull(c.tls().orElseThrow().session().sniSent(), "never SNI for an IP literal");
        }
        try (PgConnection c = PgTests.connect(s, "sslcrl=" + PgTests.cert("ca.crl"))) {
            assertTrue(c.tls().isPresent(), "server.crt is not on the CA's revocation list");
        }
        // a named CRL file that does not exist is refused (libpq would silently skip revocation checks)
        var missingCrl = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(s, "sslcrl=/nonexistent/root.crl").close());
        assertTrue(missingCrl.getMessage().contains("sslcrl: file \"/nonexistent/root.crl\" does not exist"), missingCrl.getMessage());
        // sslsni means 0 or 1, as in libpq
        var badSni = assertThrows(PgConfigException.class, () -> PgTests.connect(s, "sslsni=db.example").close());
        assertTrue(badSni.getMessage().contains("invalid sslsni value \"db.example\" (must be 0 or 1)"), badSni.getMessage());
        // sslrootcert=system: the operating system's store (as OpenSSL sees it) does not know the test CA
        var e = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(s, "host=localhost sslmode=verify-full sslrootcert=system").close());
        assertTrue(e.getMessage().contains("not trusted by the operating system's trust store as OpenSSL sees it ("), e.getMessage());
    }

    @Test
    void missingKeyAndCertFilesAreNamed() {
        var e = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "sslcert=" + PgTests.cert("client.crt") + " sslkey=/nonexistent/client.key").close());
        assertEquals("sslkey: certificate present, but not private key file \"/nonexistent/client.key\"", e.getMessage());
        var e2 = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "sslcert=/nonexistent/client.crt sslkey=" + PgTests.cert("client.key")).close());
        assertTrue(e2.getMessage().contains("/nonexistent/client.crt"), e2.getMessage());
        var e3 = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "sslrootcert=/nonexistent/root.crt").close());
        assertTrue(e3.getMessage().contains("/nonexistent/root.crt"), e3.getMessage());
    }

    @Test
    void directSslOnPostgres18() {
        try (PgConnection c = PgTests.connect(TestServers.pg18(), "sslnegotiation=direct")) {
            PgTlsInfo tls = c.tls().orElseThrow();
            assertTrue(tls.directNegotiation());
            assertEquals("postgresql", tls.alpn());
            assertEquals(1, c.query("SELECT 1").single().getInt(0));
        }
        try (PgConnection c = PgTests.connect(TestServers.pg18(), "")) {
            assertFalse(c.tls().orElseThrow().directNegotiation());
        }
    }

    @Test
    void directSslFailsCleanlyOnPostgres15() {
        long t0 = System.nanoTime();
        var e = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(TestServers.pg15(), "sslnegotiation=direct connect_timeout=10").close());
        assertTrue(e.getMessage().startsWith("SSL connection to server \"127.0.0.1\""), e.getMessage());
        assertTrue(e.getMessage().endsWith("(sslnegotiation=direct needs PostgreSQL 17 or later)"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "must fail fast, not time out");
    }

    @Test
    void scramSha256PlusIsUsedOverTls() {
        PgServer s = TestServers.pg18();
        try (PgConnection c = PgTests.connect(s, "channel_binding=require")) {
            assertTrue(c.tls().orElseThrow().channelBound());
            int pid = c.processId();
            assertEquals("t", s.psql("loomwire", "SELECT ssl FROM pg_stat_ssl WHERE pid = " + pid).get(0));
        }
        // the server log names the method; SCRAM-SHA-256-PLUS is a SASL mechanism of method scram-sha-256
        assertTrue(s.log().contains("method=scram-sha-256"), "server log lacks the authentication method");
        try (PgConnection c = PgTests.connect(s, "channel_binding=disable")) {
            assertFalse(c.tls().orElseThrow().channelBound());
        }
        try (PgConnection c = PgTests.connect(s, "")) {
            assertTrue(c.tls().orElseThrow().channelBound(), "channel_binding=prefer binds when the server offers PLUS");
        }
    }

    @Test
    void channelBindingRequiredRefusesPlainScram() {
        var e = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "sslmode=disable dbname=plaindb channel_binding=require").close());
        assertTrue(e.getMessage().contains("channel binding is required"), e.getMessage());
        var md5 = assertThrows(PgConnectionException.class, () -> PgTests.connect(TestServers.pg18(),
                "user=md5user password=md5-pw channel_binding=require").close());
        assertTrue(md5.getMessage().contains("channel binding required"), md5.getMessage());
    }

    @Test
    void passwordMethodsAndRequireAuth() {
        PgServer s = TestServers.pg15();
        try (PgConnection c = PgTests.connect(s, "user=md5user password=md5-pw require_auth=md5")) {
            assertEquals("md5user", c.query("SELECT current_user").single().getString(0));
        }
        try (PgConnection c = PgTests.connect(s, "user=cleartext password=clear-pw require_auth=password")) {
            assertEquals("cleartext", c.query("SELECT current_user").single().getString(0));
        }
        try (PgConnection c = PgTests.connect(s, "dbname=trustdb password='' require_auth=none")) {
            assertEquals("trustdb", c.query("SELECT current_database()").single().getString(0));
        }
        var refused = assertThrows(PgConnectionException.class,
                () -> PgTests.connect(s, "user=cleartext password=clear-pw require_auth=!password").close());
        assertTrue(refused.getMessage().contains("server requested a cleartext password"), refused.getMessage());
        var scram = assertThrows(PgConnectionException.class, () -> PgTests.connect(s, "require_auth=md5").close());
        assertTrue(scram.getMessage().contains("server requested SASL authentication"), scram.getMessage());
        var wrong = assertThrows(PgAuthenticationException.class, () -> PgTests.connect(s, "password=wrong").close());
        assertEquals("28P01", wrong.sqlState());
        assertFalse(wrong.getMessage().contains("wrong"), wrong.getMessage());
    }

    @Test
    void plaintextOnlyHbaUnderRequireSaysSo() {
        var e = assertThrows(PgAuthenticationException.class,
                () -> PgTests.connect(TestServers.pg18(), "dbname=plaindb sslmode=require").close());
        assertEquals("28000", e.sqlState());
        assertTrue(e.getMessage().contains("pg_hba.conf"), e.getMessage());
    }

    /** The cancel request goes over a new TLS connection (same negotiation); the sleep ends with 57014. */
    @ParameterizedTest(name = "PG 18 cancel over TLS, sslnegotiation={0}")
    @ValueSource(strings = {"postgres", "direct"})
    void queryCancelledOverTlsFromAnotherVirtualThread(String negotiation) throws Exception {
        try (PgConnection c = PgTests.connect(TestServers.pg18(), "sslnegotiation=" + negotiation)) {
            assertTrue(c.tls().isPresent());
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                    c.cancel();
                    cancelled.complete(null);
                } catch (Throwable t) {
                    cancelled.completeExceptionally(t);
                }
            });
            long t0 = System.nanoTime();
            var e = assertThrows(PgQueryCanceledException.class, () -> c.query("SELECT pg_sleep(30)"));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos());
            assertEquals("57014", e.sqlState());
            cancelled.get(10, TimeUnit.SECONDS);
            assertEquals(1, c.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void cancelOfAPlaintextConnectionWorksToo() throws Exception {
        try (PgConnection c = PgTests.connect(TestServers.pg15(), "sslmode=disable")) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ignored) {
                    return;
                }
                c.cancel();
            });
            assertThrows(PgQueryCanceledException.class, () -> c.query("SELECT pg_sleep(30)"));
        }
    }
}
