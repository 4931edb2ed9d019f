package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.TestCerts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handshakes against an in-process JDK TLS server: every verification outcome and TLS feature. */
class TlsSocketsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private static Path cert(String name) {
        return TestCerts.file(name);
    }

    private static TlsConfig.Builder trustCa() {
        return TlsConfig.builder().trustPemFile(cert("ca.crt"));
    }

    private static TlsConnection connect(TestTlsServer server, String host, TlsConfig config) throws IOException {
        return TlsSockets.layer(server.connect(), host, server.port(), config, TIMEOUT);
    }

    private static TlsException fails(TestTlsServer server, String host, TlsConfig config, TlsException.Kind kind)
            throws IOException {
        Socket plain = server.connect();
        TlsException e = assertThrows(TlsException.class, () -> TlsSockets.layer(plain, host, server.port(), config, TIMEOUT));
        assertEquals(kind, e.kind(), () -> causes(e));
        assertTrue(plain.isClosed(), "the socket must be closed after a failed handshake");
        return e;
    }

    @Test
    void fullVerificationAcceptsLocalhostAndIpAddress() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            try (var s = asCloseable(connect(server, "localhost", trustCa().build()))) {
                assertEquals("TLSv1.3", s.protocol());
                assertEquals("localhost", s.sniSent());
                assertEquals("CN=localhost,O=loomwire tests", s.peerCertificate().getSubjectX500Principal().getName());
                assertEquals(List.of(new SNIHostName("localhost")), server.next().sni());
            }
            try (var s = asCloseable(connect(server, "127.0.0.1", trustCa().build()))) {
                assertNull(s.sniSent(), "no SNI for an IP literal");
                assertEquals(List.of(), server.next().sni());
            }
        }
    }

    @Test
    void fullVerificationWithEcCertificate() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-ec.crt", "server-ec.key");
             var s = asCloseable(connect(server, "localhost", trustCa().build()))) {
            assertEquals("EC", s.peerCertificate().getPublicKey().getAlgorithm());
        }
    }

    @Test
    void hostMismatchNamesHostAndSans() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-wronghost.crt", "server-wronghost.key")) {
            TlsException e = fails(server, "localhost", trustCa().build(), TlsException.Kind.HOST_MISMATCH);
            assertEquals("certificate for host \"localhost\" does not match: SANs are [db.example.invalid]", e.getMessage());
            // CA verification checks the chain only: passes where FULL failed.
            try (var s = asCloseable(connect(server, "localhost", trustCa().verification(TlsVerification.CA).build()))) {
                assertEquals("TLSv1.3", s.protocol());
            }
            // The SNI name override is what the certificate is checked against first.
            try (var s = asCloseable(connect(server, "127.0.0.1", trustCa().sniName("db.example.invalid").build()))) {
                assertEquals("db.example.invalid", s.sniSent());
            }
        }
    }

    @Test
    void ipHostNeedsIpSanAndDnsHostNeedsDnsSan() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-dnsonly.crt", "server-dnsonly.key")) {
            TlsException e = fails(server, "127.0.0.1", trustCa().build(), TlsException.Kind.HOST_MISMATCH);
            assertEquals("certificate for host \"127.0.0.1\" does not match: SANs are [localhost]", e.getMessage());
            asCloseable(connect(server, "127.0.0.1", trustCa().verification(TlsVerification.CA).build())).close();
        }
        try (TestTlsServer server = TestTlsServer.start("server-iponly.crt", "server-iponly.key")) {
            TlsException e = fails(server, "localhost", trustCa().build(), TlsException.Kind.HOST_MISMATCH);
            assertTrue(e.getMessage().startsWith("certificate for host \"localhost\" does not match: SANs are [127.0.0.1, "), e.getMessage());
            asCloseable(connect(server, "127.0.0.1", trustCa().build())).close();
        }
    }

    @Test
    void untrustedChainNamesWhereItEndsAndTheTrustSource() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            TlsConfig otherCa = TlsConfig.builder().trustPemFile(cert("other-ca.crt")).build();
            TlsException e = fails(server, "localhost", otherCa, TlsException.Kind.UNTRUSTED);
            assertEquals("server certificate chain is not trusted by root certificate file " + cert("other-ca.crt")
                    + ": the chain ends at \"CN=localhost,O=loomwire tests\", issued by \"CN=loomwire Test Root CA,O=loomwire tests\","
                    + " which is not among the 1 trusted root certificate", e.getMessage());
            // Under CA the chain is checked too.
            fails(server, "localhost", otherCa.toBuilder().verification(TlsVerification.CA).build(), TlsException.Kind.UNTRUSTED);
        }
    }

    @Test
    void noneVerificationAcceptsAnyCertificate() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-other-ca.crt", "server-other-ca.key")) {
            fails(server, "localhost", trustCa().build(), TlsException.Kind.UNTRUSTED);
            TlsConfig none = TlsConfig.builder().verification(TlsVerification.NONE).build();
            try (var s = asCloseable(connect(server, "db.example.invalid", none))) {
                assertEquals("CN=loomwire Unrelated CA,O=loomwire tests", s.peerChain().get(0).getIssuerX500Principal().getName());
            }
        }
    }

    @Test
    void expiredCertificateSaysWhen() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-expired.crt", "server-expired.key")) {
            TlsException e = fails(server, "localhost", trustCa().build(), TlsException.Kind.EXPIRED);
            assertEquals("server certificate \"CN=localhost,O=loomwire tests\" expired on 2020-02-01T00:00:00Z", e.getMessage());
        }
    }

    @Test
    void revokedCertificateIsRejectedWithTheCrl() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-revoked.crt", "server-revoked.key")) {
            asCloseable(connect(server, "localhost", trustCa().build())).close(); // no CRL, no revocation check
            TlsException e = fails(server, "localhost", trustCa().crl(cert("ca.crl")).build(), TlsException.Kind.REVOKED);
            assertTrue(e.getMessage().startsWith("server certificate \"CN=localhost,O=loomwire tests\" (serial "), e.getMessage());
            assertTrue(e.getMessage().contains("is revoked since "), e.getMessage());
        }
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            asCloseable(connect(server, "localhost", trustCa().crl(cert("ca.crl")).build())).close();
        }
    }

    @Test
    void intermediateChainIsVerifiedAgainstRoot() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server-chain.crt", "server-intermediate.key");
             var s = asCloseable(connect(server, "localhost", trustCa().build()))) {
            assertEquals(2, s.peerChain().size());
        }
        // CRLs check the whole chain (as OpenSSL's X509_V_FLAG_CRL_CHECK_ALL does for libpq): with only the
        // root's CRL the leaf's revocation status is unknown, with the intermediate's CRL too it passes.
        try (TestTlsServer server = TestTlsServer.start("server-chain.crt", "server-intermediate.key")) {
            TlsException e = fails(server, "localhost", trustCa().crl(cert("ca.crl")).build(), TlsException.Kind.REVOCATION_UNKNOWN);
            assertTrue(e.getMessage().startsWith("no CRL from \"CN=loomwire Test Intermediate CA,O=loomwire tests\""), e.getMessage());
            asCloseable(connect(server, "localhost", trustCa().crl(cert("crl-chain.crl")).build())).close();
        }
        // Without the intermediate the leaf cannot be chained.
        try (TestTlsServer server = TestTlsServer.start("server-intermediate.crt", "server-intermediate.key")) {
            fails(server, "localhost", trustCa().build(), TlsException.Kind.UNTRUSTED);
        }
    }

    @Test
    void trustStoresInPkcs12AndJks() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            for (String store : List.of("truststore.p12", "truststore.jks")) {
                TlsConfig c = TlsConfig.builder().trustStore(cert(store), TestCerts.password()).build();
                asCloseable(connect(server, "localhost", c)).close();
            }
            TlsConfig bundle = TlsConfig.builder().trustPemFile(cert("ca-bundle.crt")).build();
            asCloseable(connect(server, "localhost", bundle)).close();
            TlsException e = fails(server, "localhost", TlsConfig.builder().trustSystem().build(), TlsException.Kind.UNTRUSTED);
            assertTrue(e.getMessage().startsWith("server certificate chain is not trusted by the operating system's trust store"
                    + " as OpenSSL sees it ("), e.getMessage());
        }
    }

    @Test
    void clientCertificateInEveryFormat() throws Exception {
        List<TlsConfig> configs = List.of(
                trustCa().clientCertificate(cert("client.crt"), cert("client.key"), null).build(),
                trustCa().clientCertificate(cert("client.crt"), cert("client-pkcs1.key"), null).build(),
                trustCa().clientCertificate(cert("client.crt"), cert("client-encrypted.key"), TestCerts.password()).build(),
                trustCa().clientCertificate(cert("client.der"), cert("client-key.der"), null).build(),
                trustCa().clientCertificate(cert("client-ec.crt"), cert("client-ec.key"), null).build(),
                trustCa().clientKeyStore(cert("client.p12"), TestCerts.password()).build());
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key", s -> s.setNeedClientAuth(true))) {
            for (TlsConfig c : configs) {
                for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                    TlsConfig versioned = c.toBuilder().maxProtocol(protocol).build();
                    try (var s = asCloseable(connect(server, "localhost", versioned))) {
                        assertEquals(protocol, s.protocol());
                        TestTlsServer.Seen seen = server.next();
                        assertNull(seen.error(), () -> c + ": " + seen.error());
                        assertEquals("CN=loomwire,O=loomwire tests", seen.client().getName(), c.toString());
                    }
                }
            }
        }
    }

    @Test
    void serverRequiringClientCertificateWhenNoneIsConfigured() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key", s -> s.setNeedClientAuth(true))) {
            // With TLS 1.2 the server's verdict arrives during the handshake (with 1.3 only on the first read).
            // Either we read its alert, or it hung up while we were still writing our last flight.
            Socket plain = server.connect();
            TlsException e = assertThrows(TlsException.class, () ->
                    TlsSockets.layer(plain, "localhost", server.port(), trustCa().maxProtocol("TLSv1.2").build(), TIMEOUT));
            assertTrue(e.kind() == TlsException.Kind.REJECTED || e.kind() == TlsException.Kind.CLOSED_BY_PEER, () -> causes(e));
            assertTrue(e.getMessage().startsWith("server localhost:" + server.port() + " "), e.getMessage());
            assertTrue(e.getMessage().contains("client certificate"), e.getMessage());
            assertTrue(server.next().error() != null);
        }
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key", s -> s.setWantClientAuth(true))) {
            asCloseable(connect(server, "localhost", trustCa().build())).close();
            assertNull(server.next().client(), "nothing is sent when no client certificate is configured");
        }
    }

    @Test
    void clientConfigErrorsSurfaceBeforeTheHandshake() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            TlsException e = fails(server, "localhost", trustCa().clientCertificate(cert("client.crt"), cert("client-encrypted.key"),
                    "wrong".toCharArray()).build(), TlsException.Kind.CONFIG);
            assertEquals("client key " + cert("client-encrypted.key") + ": wrong sslpassword", e.getMessage());
            e = fails(server, "localhost", trustCa().clientCertificate(cert("client.crt"), cert("client-other-ca.key"), null).build(),
                    TlsException.Kind.CONFIG);
            assertEquals("client key " + cert("client-other-ca.key") + " does not match certificate " + cert("client.crt"), e.getMessage());
            e = fails(server, "localhost", trustCa().clientKeyStore(cert("client.p12"), "wrong".toCharArray()).build(), TlsException.Kind.CONFIG);
            assertEquals("client keystore " + cert("client.p12") + ": wrong password", e.getMessage());
            e = fails(server, null, trustCa().build(), TlsException.Kind.CONFIG);
            assertTrue(e.getMessage().contains("needs a host name"), e.getMessage());
        }
    }

    @Test
    void protocolVersionsAlpnAndSni() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key", s -> {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"postgresql"});
            s.setSSLParameters(p);
        })) {
            try (var s = asCloseable(connect(server, "localhost", trustCa().alpn("postgresql").build()))) {
                assertEquals("postgresql", s.alpn());
                assertEquals("postgresql", server.next().alpn());
            }
            try (var s = asCloseable(connect(server, "localhost", trustCa().maxProtocol("TLSv1.2").build()))) {
                assertEquals("TLSv1.2", s.protocol());
                assertNull(s.alpn());
                server.next();
            }
            try (var s = asCloseable(connect(server, "localhost", trustCa().sni(false).build()))) {
                assertNull(s.sniSent());
                assertEquals(List.of(), server.next().sni());
            }
            try (var s = asCloseable(connect(server, "127.0.0.1",
                    trustCa().verification(TlsVerification.CA).sniName("pg.example").build()))) {
                assertEquals("pg.example", s.sniSent());
                assertEquals(List.of(new SNIHostName("pg.example")), server.next().sni());
            }
        }
    }

    @Test
    void handshakeRestoresSoTimeout() throws Exception {
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            Socket plain = server.connect();
            plain.setSoTimeout(1234);
            try (var s = asCloseable(TlsSockets.layer(plain, "localhost", server.port(), trustCa().build(), Duration.ofMillis(800)))) {
                assertEquals(1234, s.socket().getSoTimeout());
                assertTrue(s.handshakeTime().toMillis() < 800);
            }
        }
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> acceptAndHold(silent));
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            long start = System.nanoTime();
            TlsException e = assertThrows(TlsException.class, () ->
                    TlsSockets.layer(plain, "localhost", silent.getLocalPort(), trustCa().build(), Duration.ofMillis(500)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(TlsException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertEquals("TLS handshake with localhost:" + silent.getLocalPort() + " timed out after 500 ms", e.getMessage());
            assertTrue(tookMs >= 450 && tookMs < 3000, "took " + tookMs + " ms");
            assertTrue(plain.isClosed());
        }
    }

    @Test
    void plaintextPeerIsNotTls() throws Exception {
        try (ServerSocket plainServer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = plainServer.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("-ERR wrong\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the client hung up
                }
            });
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), plainServer.getLocalPort());
            TlsException e = assertThrows(TlsException.class, () ->
                    TlsSockets.layer(plain, "127.0.0.1", plainServer.getLocalPort(), trustCa().build(), TIMEOUT));
            assertEquals(TlsException.Kind.NOT_TLS, e.kind(), e.getMessage());
            assertEquals("127.0.0.1:" + plainServer.getLocalPort() + " did not answer with TLS (is it a plaintext port?)", e.getMessage());
        }
    }

    @Test
    void peerClosingDuringHandshake() throws Exception {
        try (ServerSocket closing = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = closing.accept()) {
                    s.getInputStream().read(new byte[5]);
                } catch (IOException ignored) {
                    // closing is the point
                }
            });
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), closing.getLocalPort());
            TlsException e = assertThrows(TlsException.class, () ->
                    TlsSockets.layer(plain, "localhost", closing.getLocalPort(), trustCa().build(), TIMEOUT));
            assertEquals(TlsException.Kind.CLOSED_BY_PEER, e.kind(), e.getMessage());
            assertEquals("server localhost:" + closing.getLocalPort() + " closed the connection during the TLS handshake"
                    + " without sending a TLS alert", e.getMessage());
        }
    }

    @Test
    void contextIsReusedAndSessionsResume() throws Exception {
        TlsConfig config = trustCa().build();
        assertSame(SslContexts.get(config), SslContexts.get(trustCa().build()));
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            TlsConfig versioned = config.toBuilder().maxProtocol(protocol).build();
            try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
                try (var first = asCloseable(connect(server, "localhost", versioned))) {
                    assertFalse(first.resumed());
                    // A TLS 1.3 session ticket arrives after the handshake: a read takes it in.
                    first.socket().setSoTimeout(200);
                    assertThrows(SocketTimeoutException.class, () -> first.socket().getInputStream().read());
                }
                try (var second = asCloseable(connect(server, "localhost", versioned))) {
                    assertEquals(protocol, second.protocol());
                    assertTrue(second.resumed(), protocol + ": the second handshake should resume the first session");
                }
            }
        }
    }

    @Test
    void rotatedTrustFileGivesANewContext() throws Exception {
        Path trusted = tmp.resolve("root.crt");
        Files.copy(cert("other-ca.crt"), trusted);
        TlsConfig config = TlsConfig.builder().trustPemFile(trusted).build();
        SSLContext before = SslContexts.get(config).context();
        assertSame(before, SslContexts.get(config).context());
        try (TestTlsServer server = TestTlsServer.start("server.crt", "server.key")) {
            fails(server, "localhost", config, TlsException.Kind.UNTRUSTED);
            Files.copy(cert("ca.crt"), trusted, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(trusted, FileTime.from(Instant.now().plusSeconds(10)));
            asCloseable(connect(server, "localhost", config)).close();
        }
        SSLContext after = SslContexts.get(config).context();
        assertNotSame(before, after);
        assertSame(after, SslContexts.get(config).context());
    }

    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append("\n  caused by ");
        }
        return sb.toString();
    }

    private static void acceptAndHold(ServerSocket s) {
        try (Socket c = s.accept()) {
            c.getInputStream().readAllBytes();
        } catch (IOException ignored) {
            // the client gave up
        }
    }

    /** Lets try-with-resources close the TLS socket of a session. */
    private static ClosableSession asCloseable(TlsConnection c) {
        return new ClosableSession(c.session(), c.socket());
    }

    private record ClosableSession(TlsSession session, javax.net.ssl.SSLSocket socket) implements AutoCloseable {
        String protocol() { return session.protocol(); }
        String sniSent() { return session.sniSent(); }
        String alpn() { return session.alpn(); }
        boolean resumed() { return session.resumed(); }
        Duration handshakeTime() { return session.handshakeTime(); }
        java.security.cert.X509Certificate peerCertificate() { return session.peerCertificate(); }
        List<java.security.cert.X509Certificate> peerChain() { return session.peerChain(); }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
