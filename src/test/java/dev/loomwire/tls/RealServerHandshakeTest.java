package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real TLS 1.3 handshakes through the shared TLS layer with the servers the drivers talk to:
 * PostgreSQL 15 and 18 (after the SSLRequest exchange) and Redis 7 (TLS port), at each
 * verification level, plus the failures users meet: wrong CA, wrong host name, expired server
 * certificate, and a client certificate required by Redis ({@code tls-auth-clients yes}).
 */
class RealServerHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] SSL_REQUEST = {0x00, 0x00, 0x00, 0x08, 0x04, (byte) 0xD2, 0x16, 0x2F};

    /** A server endpoint and how to reach the point where the ClientHello goes out. */
    record Target(String name, String host, int port, boolean postgres) {
        Socket open() throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            if (postgres) {
                OutputStream out = s.getOutputStream();
                out.write(SSL_REQUEST);
                out.flush();
                int reply = s.getInputStream().read();
                assertEquals('S', reply, name + " must accept the SSLRequest (ssl=on)");
            }
            return s;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Target> targets() {
        List<Target> t = new ArrayList<>();
        PgServer pg15 = TestServers.pg15();
        PgServer pg18 = TestServers.pg18();
        RedisServer redis = TestServers.redis();
        t.add(new Target("PostgreSQL 15", pg15.host(), pg15.port(), true));
        t.add(new Target("PostgreSQL 18", pg18.host(), pg18.port(), true));
        t.add(new Target("Redis 7 TLS port", redis.host(), redis.tlsPort(), false));
        return t;
    }

    static Stream<Arguments> targetsAndLevels() {
        return targets().stream().flatMap(t -> Stream.of(TlsVerification.values()).map(v -> Arguments.of(t, v)));
    }

    private static TlsConfig trusting(String caFile, TlsVerification level) {
        return TlsConfig.builder().verification(level).trustPemFile(TestCerts.file(caFile)).build();
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("targetsAndLevels")
    void tls13HandshakeAtEachVerificationLevel(Target target, TlsVerification level) throws IOException {
        for (String host : List.of("localhost", "127.0.0.1")) {
            TlsConnection connection = TlsSockets.layer(target.open(), host, target.port(), trusting("ca.crt", level), TIMEOUT);
            TlsSession session = connection.session();
            try (var socket = connection.socket()) {
                assertEquals("TLSv1.3", session.protocol(), target + " via " + host);
                assertNotNull(session.cipherSuite());
                assertEquals("CN=localhost,O=loomwire tests",
                        session.peerCertificate().getSubjectX500Principal().getName());
                assertEquals(host.equals("localhost") ? "localhost" : null, session.sniSent());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void wrongCaIsRejectedUnderCaAndFullButNotNone(Target target) throws IOException {
        for (TlsVerification level : List.of(TlsVerification.CA, TlsVerification.FULL)) {
            TlsException e = assertThrows(TlsException.class, () -> TlsSockets.layer(
                    target.open(), "localhost", target.port(), trusting("other-ca.crt", level), TIMEOUT));
            assertEquals(TlsException.Kind.UNTRUSTED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("loomwire Test Root CA"), e.getMessage());
        }
        TlsSockets.layer(target.open(), "localhost", target.port(), trusting("other-ca.crt", TlsVerification.NONE), TIMEOUT)
                .socket().close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void wrongHostIsRejectedOnlyUnderFull(Target target) throws IOException {
        // The server's certificate names localhost/127.0.0.1/::1; the user asked for another name.
        TlsException e = assertThrows(TlsException.class, () -> TlsSockets.layer(
                target.open(), "db.example.invalid", target.port(), trusting("ca.crt", TlsVerification.FULL), TIMEOUT));
        assertEquals(TlsException.Kind.HOST_MISMATCH, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("\"db.example.invalid\"") && e.getMessage().contains("localhost"), e.getMessage());

        TlsSockets.layer(target.open(), "db.example.invalid", target.port(), trusting("ca.crt", TlsVerification.CA), TIMEOUT)
                .socket().close();
    }

    @Test
    void expiredServerCertificateIsRejectedUnlessVerificationIsOff() throws IOException {
        try (RedisServer expired = TestServers.startRedis(
                RedisServer.Options.defaults().withCertificate("server-expired.crt", "server-expired.key"))) {
            Target target = new Target("Redis with an expired certificate", expired.host(), expired.tlsPort(), false);
            for (TlsVerification level : List.of(TlsVerification.CA, TlsVerification.FULL)) {
                TlsException e = assertThrows(TlsException.class, () -> TlsSockets.layer(
                        target.open(), "localhost", target.port(), trusting("ca.crt", level), TIMEOUT));
                assertEquals(TlsException.Kind.EXPIRED, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("expired on"), e.getMessage());
            }
            TlsSockets.layer(target.open(), "localhost", target.port(), trusting("ca.crt", TlsVerification.NONE), TIMEOUT)
                    .socket().close();
        }
    }

    @Test
    void redisRequiringClientCertificatesRefusesClientsWithoutOne() throws IOException {
        RedisServer mtls = TestServers.redisMtls();
        Target target = new Target("Redis tls-auth-clients yes", mtls.host(), mtls.tlsPort(), false);

        // Under TLS 1.3 the server judges the client certificate after the client's Finished:
        // the refusal arrives as an alert on the first read.
        IOException e = assertThrows(IOException.class, () -> {
            TlsConnection s = TlsSockets.layer(target.open(), "localhost", target.port(), trusting("ca.crt", TlsVerification.FULL), TIMEOUT);
            try (var socket = s.socket()) {
                ping(socket);
            }
        });
        assertNotNull(e.getMessage());

        TlsConfig withCert = TlsConfig.builder().trustPemFile(TestCerts.file("ca.crt"))
                .clientCertificate(TestCerts.file("client.crt"), TestCerts.file("client.key"), null).build();
        TlsConnection s = TlsSockets.layer(target.open(), "localhost", target.port(), withCert, TIMEOUT);
        try (var socket = s.socket()) {
            assertEquals("TLSv1.3", s.session().protocol());
            assertEquals("+PONG", ping(socket));
        }
    }

    private static String ping(Socket socket) throws IOException {
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            if (c < 0) {
                throw new IOException("server closed the connection after: " + line);
            }
            line.append((char) c);
        }
        return line.toString();
    }
}
