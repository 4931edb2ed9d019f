package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Protocol-level misbehaviour a real server never shows, played by {@link FakePgServer}. */
class PgFakeServerTest {
    private static final int SSL_REQUEST = 80877103;

    private static PgConnectionException connectFails(FakePgServer s, String extra) {
        return assertThrows(PgConnectionException.class, () -> PgConnection.connect(s.conninfo(extra)).close());
    }

    @Test
    void requireAgainstServerAnsweringNIsRefused() throws Exception {
        try (var s = new FakePgServer(c -> {
            assertEquals(SSL_REQUEST, c.readStartupPacket());
            c.raw((byte) 'N');
        })) {
            var e = connectFails(s, "sslmode=require");
            assertTrue(e.getMessage().startsWith("server does not support SSL"), e.getMessage());
            s.awaitScript();
        }
    }

    @Test
    void errorReplyToSslRequestIsNotShownVerbatim() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.send('E', FakePgServer.Conn.body('S', "FATAL", 'M', "please visit evil.example", (byte) 0));
        })) {
            var e = connectFails(s, "sslmode=require");
            assertTrue(e.getMessage().contains("refused the SSLRequest"), e.getMessage());
            assertFalse(e.getMessage().contains("evil.example"), e.getMessage());
        }
    }

    @Test
    void bytesAfterSAreAnInjectionAttempt() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            // 'S' followed at once by a plaintext AuthenticationOk: CVE-2021-23222
            c.raw(HexFormat.of().parseHex("53" + "52000000080000000000"));
            Thread.sleep(2000);
        })) {
            var e = connectFails(s, "sslmode=require");
            assertTrue(e.getMessage().startsWith("received unencrypted data after SSL response"), e.getMessage());
        }
    }

    @Test
    void nonPostgresPortIsNamed() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.raw("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
        })) {
            var e = connectFails(s, "sslmode=require");
            assertTrue(e.getMessage().contains("invalid response to SSL negotiation: 0x48"), e.getMessage());
        }
    }

    @Test
    void preferFallsBackToPlaintextAfterN() throws Exception {
        try (var s = new FakePgServer(c -> {
            assertEquals(SSL_REQUEST, c.readStartupPacket());
            c.raw((byte) 'N');
            c.trustStartup();
            assertEquals('Q', c.readMessage());
            c.send('T', FakePgServer.Conn.body((short) 2, "n", 0, (short) 0, 23, (short) 4, -1, (short) 0,
                    "t", 0, (short) 0, 25, (short) -1, -1, (short) 0));
            c.send('D', FakePgServer.Conn.body((short) 2, 2, "42".getBytes(), -1));
            c.send('C', FakePgServer.Conn.body("SELECT 1"));
            c.send('Z', new byte[] {'I'});
            assertEquals('X', c.readMessage());
        })) {
            try (PgConnection conn = PgConnection.connect(s.conninfo("sslmode=prefer"))) {
                assertTrue(conn.tls().isEmpty());
                assertEquals("99.0", conn.serverVersion());
                assertEquals(4242, conn.processId());
                PgResult r = conn.simpleQuery("SELECT 42 AS n, NULL::text AS t").get(0);
                assertEquals(42, r.single().getInt("n"));
                assertNull(r.single().getString("t"));
                assertEquals(1, r.affectedRows());
            }
            s.awaitScript();
        }
    }

    @Test
    void hugeDeclaredLengthIsRejectedWithoutAllocating() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.raw(HexFormat.of().parseHex("527fffffff00000000"));
            Thread.sleep(1000);
        })) {
            var e = connectFails(s, "sslmode=disable");
            assertTrue(e.getMessage().contains("invalid message length 2147483647"), e.getMessage());
        }
    }

    @Test
    void garbageMessageTypeAfterStartup() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.trustStartup();
            c.readMessage();
            c.send('!', new byte[] {1, 2, 3});
            Thread.sleep(1000);
        })) {
            try (PgConnection conn = PgConnection.connect(s.conninfo("sslmode=disable"))) {
                var e = assertThrows(PgConnectionException.class, () -> conn.execute("SELECT 1"));
                assertTrue(e.getMessage().contains("unknown message type 0x21"), e.getMessage());
                assertTrue(conn.isClosed());
                assertThrows(PgConnectionException.class, () -> conn.execute("SELECT 1"));
            }
        }
    }

    @Test
    void truncatedMessageThenCloseIsReported() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.raw(HexFormat.of().parseHex("5300000020" + "736572766572"));
            c.socket.shutdownOutput();
            Thread.sleep(500);
        })) {
            var e = connectFails(s, "sslmode=disable");
            assertTrue(e.getMessage().contains("closed the connection in the middle of a message"), e.getMessage());
        }
    }

    @Test
    void silentServerHitsConnectTimeout() throws Exception {
        try (var s = new FakePgServer(c -> Thread.sleep(6000))) {
            long t0 = System.nanoTime();
            var e = assertThrows(PgConnectionException.class,
                    () -> PgConnection.connect("host=127.0.0.1 port=" + s.port() + " user=u connect_timeout=2 sslmode=require"));
            assertTrue(e.getMessage().contains("timed out after 2 s (connect_timeout)"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        }
    }

    @Test
    void requireAuthRefusesCleartextBeforeSendingThePassword() throws Exception {
        AtomicBoolean passwordSent = new AtomicBoolean();
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.send('R', FakePgServer.Conn.body(3));
            passwordSent.set(c.readMessage() == 'p');
        })) {
            var e = connectFails(s, "sslmode=disable require_auth=scram-sha-256");
            assertEquals("authentication method requirement \"scram-sha-256\" failed: server requested a cleartext password",
                    e.getMessage());
            s.awaitScript();
            assertFalse(passwordSent.get());
        }
    }

    @Test
    void requireAuthRejectsTrustWhenAPasswordMethodIsRequired() throws Exception {
        try (var s = new FakePgServer(FakePgServer.Conn::trustStartup)) {
            var e = connectFails(s, "sslmode=disable require_auth=md5");
            assertTrue(e.getMessage().contains("server did not complete authentication"), e.getMessage());
        }
    }

    @Test
    void channelBindingRequiredOverPlaintextFails() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.send('R', FakePgServer.Conn.body(10, "SCRAM-SHA-256", ""));
            c.readMessage();
        })) {
            var e = connectFails(s, "sslmode=disable channel_binding=require");
            assertTrue(e.getMessage().contains("channel binding is required"), e.getMessage());
        }
    }

    @Test
    void scramServerThatSkipsItsProofIsRejected() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.send('R', FakePgServer.Conn.body(10, "SCRAM-SHA-256", ""));
            assertEquals('p', c.readMessage());
            String first = new String(c.lastBody, java.nio.charset.StandardCharsets.UTF_8);
            String nonce = first.substring(first.indexOf("r=") + 2);
            c.send('R', FakePgServer.Conn.body(11, ("r=" + nonce + "srv,s=QUJDRA==,i=4096").getBytes()));
            assertEquals('p', c.readMessage());
            c.authOk();
        })) {
            var e = connectFails(s, "sslmode=disable");
            assertTrue(e.getMessage().contains("before completing SCRAM"), e.getMessage());
        }
    }

    @Test
    void scramWithWrongServerSignatureIsRejected() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.send('R', FakePgServer.Conn.body(10, "SCRAM-SHA-256", ""));
            c.readMessage();
            String first = new String(c.lastBody, java.nio.charset.StandardCharsets.UTF_8);
            String nonce = first.substring(first.indexOf("r=") + 2);
            c.send('R', FakePgServer.Conn.body(11, ("r=" + nonce + "srv,s=QUJDRA==,i=4096").getBytes()));
            c.readMessage();
            c.send('R', FakePgServer.Conn.body(12, "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes()));
        })) {
            var e = connectFails(s, "sslmode=disable");
            assertTrue(e.getMessage().contains("server signature is wrong"), e.getMessage());
        }
    }

    @Test
    void serverErrorDuringQueryLeavesConnectionUsable() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.trustStartup();
            c.readMessage();
            c.send('E', FakePgServer.Conn.body('S', "ERROR", 'V', "ERROR", 'C', "42P01", 'M',
                    "relation \"nope\" does not exist", 'P', "15", 't', "nope", (byte) 0));
            c.send('Z', new byte[] {'I'});
            c.readMessage();
            c.send('C', FakePgServer.Conn.body("SELECT 0"));
            c.send('Z', new byte[] {'I'});
        })) {
            try (PgConnection conn = PgConnection.connect(s.conninfo("sslmode=disable"))) {
                var e = assertThrows(PgSyntaxErrorOrAccessRuleException.class, () -> conn.execute("SELECT * FROM nope"));
                assertEquals("42P01", e.sqlState());
                assertEquals(15, e.position().orElseThrow());
                assertEquals("nope", e.table().orElseThrow());
                assertEquals(0, conn.execute("SELECT 1 WHERE false"));
            }
        }
    }

    @Test
    void serverClosingDuringTheHandshake() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.readStartupPacket();
            c.raw((byte) 'S');
            c.in.readNBytes(5);
            c.socket.close();
        })) {
            var e = connectFails(s, "sslmode=require");
            assertTrue(e.getMessage().contains("closed the connection during the TLS handshake"), e.getMessage());
        }
    }

    @Test
    void directTlsToANonTlsPort() throws Exception {
        try (var s = new FakePgServer(c -> {
            c.in.readNBytes(5);
            c.raw("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
            Thread.sleep(1000);
        })) {
            var e = connectFails(s, "sslmode=require sslnegotiation=direct");
            assertTrue(e.getMessage().startsWith("SSL connection to server \"127.0.0.1\", port " + s.port() + " failed: "),
                    e.getMessage());
        }
    }

    @Test
    void preferRetriesPlaintextAfterAFailedHandshake() throws Exception {
        try (var s = new FakePgServer(c -> {
            assertEquals(SSL_REQUEST, c.readStartupPacket());
            c.raw((byte) 'S');
            c.in.readNBytes(5);
            c.socket.close();
        }, c -> {
            assertEquals(196608, c.readStartupPacket(), "plaintext StartupMessage on the second connection");
            c.authOk();
            c.readyForQuery();
            assertEquals('X', c.readMessage());
        })) {
            try (PgConnection conn = PgConnection.connect(s.conninfo("sslmode=prefer"))) {
                assertTrue(conn.tls().isEmpty());
            }
            s.awaitScript();
        }
    }

    /** A server older than PostgreSQL 14 (no in_hot_standby): answers {@code expectedSql} with {@code value}, then expects Terminate. */
    private static FakePgServer.Script pre14Server(String expectedSql, String value) {
        return c -> {
            c.trustStartup();
            assertEquals('Q', c.readMessage());
            assertEquals(expectedSql, new String(c.lastBody, 0, c.lastBody.length - 1, java.nio.charset.StandardCharsets.UTF_8));
            c.send('T', FakePgServer.Conn.body((short) 1, "v", 0, (short) 0, 25, (short) -1, -1, (short) 0));
            c.send('D', FakePgServer.Conn.body((short) 1, value.length(), value.getBytes()));
            c.send('C', FakePgServer.Conn.body("SHOW"));
            c.send('Z', new byte[] {'I'});
            assertEquals('X', c.readMessage());
        };
    }

    @Test
    void serversBefore14AreAskedTheirStateLikeLibpqDoes() throws Exception {
        String show = "SHOW transaction_read_only";
        String recovery = "SELECT pg_catalog.pg_is_in_recovery()";
        for (String[] c : new String[][] {{"read-write", show, "on", "off"}, {"read-only", show, "off", "on"},
                {"primary", recovery, "t", "f"}, {"standby", recovery, "f", "t"}}) {
            try (var wrong = new FakePgServer(pre14Server(c[1], c[2]));
                 var right = new FakePgServer(pre14Server(c[1], c[3]))) {
                PgConfig cfg = PgConfig.parse("host=127.0.0.1,127.0.0.1 port=" + wrong.port() + "," + right.port()
                        + " user=u dbname=d sslmode=disable connect_timeout=10 target_session_attrs=" + c[0], PgTests.cleanEnv());
                try (PgConnection conn = PgConnection.connect(cfg)) {
                    assertEquals(right.port(), conn.host().port(), c[0]);
                }
                wrong.awaitScript();
                right.awaitScript();
            }
        }
    }
}
