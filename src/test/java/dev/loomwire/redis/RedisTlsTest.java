package dev.loomwire.redis;

import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsVerification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * rediss:// against real TLS-enabled Redis servers: verification modes, trust sources, client
 * certificates in every key format, ACL users, RESP2/RESP3, pub/sub and failure messages.
 */
class RedisTlsTest {
    private static RedisServer wrongHost;
    private static RedisServer dnsOnly;
    private static RedisServer expired;
    private static RedisServer chain;

    @BeforeAll
    static void startExtraServers() {
        wrongHost = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-wronghost.crt", "server-wronghost.key"));
        dnsOnly = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-dnsonly.crt", "server-dnsonly.key"));
        expired = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-expired.crt", "server-expired.key"));
        chain = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-chain.crt", "server-intermediate.key"));
    }

    @AfterAll
    static void stopExtraServers() {
        for (RedisServer s : new RedisServer[] {wrongHost, dnsOnly, expired, chain}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static String cert(String name) {
        return TestCerts.file(name).toString();
    }

    static String tlsUri(String host, RedisServer s, String params) {
        return "rediss://" + host + ":" + s.tlsPort() + "?sslrootcert=" + cert("ca.crt") + (params.isEmpty() ? "" : "&" + params);
    }

    static RedisConnectionException refused(String uri) {
        RedisConnectionException e = assertThrows(RedisConnectionException.class, () -> {
            try (RedisConnection c = RedisConnection.connect(uri)) {
                c.ping();
            }
        });
        assertFalse(e.getMessage().contains(TestCerts.PASSWORD), "no secret in: " + e.getMessage());
        assertFalse(e.getMessage().contains(RedisServer.PASSWORD), "no secret in: " + e.getMessage());
        return e;
    }

    static TlsException.Kind tlsKind(RedisConnectionException e) {
        return e.getCause() instanceof TlsException t ? t.kind() : null;
    }

    static void works(String uri) {
        try (RedisConnection c = RedisConnection.connect(uri)) {
            assertEquals("PONG", c.ping());
            assertTrue(c.tls().isPresent());
        }
    }

    /** Each sslverify mode against: the right CA, a wrong CA, a certificate for another host, an IP host. */
    @ParameterizedTest(name = "sslverify={0}, {1}: {2}")
    @CsvSource({
            "full, right-ca, ok",
            "ca,   right-ca, ok",
            "none, right-ca, ok",
            "full, wrong-ca, UNTRUSTED",
            "ca,   wrong-ca, UNTRUSTED",
            "none, wrong-ca, ok",
            "full, wrong-host, HOST_MISMATCH",
            "ca,   wrong-host, ok",
            "none, wrong-host, ok",
            "full, ip-host-dns-only-cert, HOST_MISMATCH",
            "ca,   ip-host-dns-only-cert, ok",
            "none, ip-host-dns-only-cert, ok",
            "full, ip-host-ip-san-cert, ok",
    })
    void verificationMatrix(String mode, String situation, String expected) {
        String uri = switch (situation) {
            case "right-ca" -> tlsUri("localhost", TestServers.redis(), "sslverify=" + mode);
            case "wrong-ca" -> "rediss://localhost:" + TestServers.redis().tlsPort() + "?sslrootcert=" + cert("other-ca.crt")
                    + "&sslverify=" + mode;
            case "wrong-host" -> tlsUri("localhost", wrongHost, "sslverify=" + mode);
            case "ip-host-dns-only-cert" -> tlsUri("127.0.0.1", dnsOnly, "sslverify=" + mode);
            case "ip-host-ip-san-cert" -> tlsUri("127.0.0.1", TestServers.redis(), "sslverify=" + mode);
            default -> throw new IllegalArgumentException(situation);
        };
        if (expected.equals("ok")) {
            works(uri);
        } else {
            RedisConnectionException e = refused(uri);
            assertEquals(TlsException.Kind.valueOf(expected), tlsKind(e), e.getMessage());
            assertTrue(e.getMessage().startsWith("TLS to "), e.getMessage());
            if (expected.equals("HOST_MISMATCH")) {
                assertTrue(e.getMessage().contains(situation.startsWith("ip") ? "127.0.0.1" : "localhost"), e.getMessage());
            }
        }
    }

    @Test
    void crlsCheckTheWholeChainForRedisToo() {
        try (RedisServer revoked = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-revoked.crt", "server-revoked.key"))) {
            works(tlsUri("localhost", revoked, ""));
            assertEquals(TlsException.Kind.REVOKED, tlsKind(refused(tlsUri("localhost", revoked, "sslcrl=" + cert("ca.crl")))));
        }
        try (RedisServer chain = TestServers.startRedis(RedisServer.Options.defaults()
                .withCertificate("server-chain.crt", "server-intermediate.key"))) {
            assertEquals(TlsException.Kind.REVOCATION_UNKNOWN,
                    tlsKind(refused(tlsUri("localhost", chain, "sslcrl=" + cert("ca.crl")))));
            works(tlsUri("localhost", chain, "sslcrl=" + cert("crl-chain.crl")));
            works(tlsUri("localhost", chain, "sslcrldir=" + TestCerts.dir().resolve("crls")));
        }
    }

    @Test
    void connectListenerSeesTheSetupRequestsAndRepliesButNoSecretsAndNothingAfterSetup() {
        java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<RedisReply> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.loomwire.net.ConnectListener<RedisReply> listener = new dev.loomwire.net.ConnectListener<>() {
            @Override
            public void sent(String description) {
                sent.add(description);
            }

            @Override
            public void received(RedisReply reply) {
                received.add(reply);
            }
        };
        RedisServer server = TestServers.redis();
        RedisConfig config = RedisConfig.fromUri("rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:"
                + server.tlsPort() + "?sslrootcert=" + cert("ca.crt"));
        try (RedisConnection c = RedisConnector.connect(config, listener)) {
            assertTrue(sent.get(0).startsWith("HELLO"), sent.toString());
            assertInstanceOf(RedisReply.MapReply.class, received.get(0), "HELLO 3 answers with a map");
            int sentAtSetup = sent.size();
            int receivedAtSetup = received.size();
            assertEquals("PONG", c.ping());
            assertEquals(sentAtSetup, sent.size(), "the listener observes connection set-up only");
            assertEquals(receivedAtSetup, received.size());
        }
        assertFalse(String.join(" ", sent).contains(RedisServer.PASSWORD), "no password in what is reported");
    }

    @Test
    void probesOpeningIsTheDriversUpToHelloAndSendsNothing() throws Exception {
        java.util.function.Function<java.util.List<String>, dev.loomwire.net.ConnectListener<RedisReply>> recorder =
                phases -> new dev.loomwire.net.ConnectListener<>() {
                    @Override
                    public void phaseSucceeded(dev.loomwire.net.ConnectPhase phase, String target, java.time.Duration took,
                                               String detail) {
                        phases.add(phase + " ok " + target);
                    }

                    @Override
                    public void sent(String description) {
                        phases.add("sent " + description);
                    }
                };
        RedisConfig config = RedisConfig.fromUri("rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:"
                + TestServers.redis().tlsPort() + "?sslrootcert=" + cert("ca.crt"));
        java.util.List<String> driver = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RedisConnection c = RedisConnector.connect(config, recorder.apply(driver))) {
            assertEquals("PONG", c.ping());
        }
        java.util.List<String> probe = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProbeAccess.RedisOpened opened = RedisConnector.open(config, config.tls().orElseThrow(), java.time.Duration.ofSeconds(10),
                recorder.apply(probe));
        try {
            assertEquals(driver.subList(0, 3), probe, "DNS, TCP and TLS as the driver does them, then nothing sent");
            assertTrue(driver.get(3).startsWith("sent HELLO"), driver.toString());
            assertEquals("localhost", opened.tls().session().sniSent());
        } finally {
            opened.stream().close();
        }
        RedisConnectionException refused = assertThrows(RedisConnectionException.class, () -> RedisConnector.open(config,
                config.tls().orElseThrow().toBuilder().trustPemFile(java.nio.file.Path.of(cert("other-ca.crt"))).build(), java.time.Duration.ofSeconds(10),
                dev.loomwire.net.ConnectListener.none()));
        assertInstanceOf(dev.loomwire.tls.TlsException.class, refused.getCause(), "a TLS failure carries its category");
    }

    @Test
    void tlsSessionFactsAndSniDefaultToTheHost() {
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), ""))) {
            TlsSession s = c.tls().orElseThrow();
            assertTrue(s.protocol().startsWith("TLSv1."), s.protocol());
            assertNotNull(s.cipherSuite());
            assertTrue(s.peerChain().get(0).getSubjectX500Principal().getName().length() > 0);
            assertEquals("localhost", s.sniSent());
            assertEquals(3, c.protocol());
        }
        try (RedisConnection c = RedisConnection.connect(tlsUri("127.0.0.1", TestServers.redis(), ""))) {
            assertNull(c.tls().orElseThrow().sniSent(), "no SNI for an IP literal");
        }
        try (RedisConnection c = RedisConnection.connect(tlsUri("127.0.0.1", TestServers.redis(), "sslverify=ca&sslservername=cache.internal"))) {
            assertEquals("cache.internal", c.tls().orElseThrow().sniSent());
        }
        // sslsni means what it means in libpq: 0 sends none, 1 (the default) sends the host
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "sslsni=0"))) {
            assertNull(c.tls().orElseThrow().sniSent());
        }
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "sslsni=1"))) {
            assertEquals("localhost", c.tls().orElseThrow().sniSent());
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "sslsni=cache.internal")));
        assertTrue(bad.getMessage().contains("use sslservername=cache.internal"), bad.getMessage());
    }

    @Test
    void protocolVersionBounds() {
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "ssl_max_protocol_version=TLSv1.2"))) {
            assertEquals("TLSv1.2", c.tls().orElseThrow().protocol());
        }
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "ssl_min_protocol_version=TLSv1.3"))) {
            assertEquals("TLSv1.3", c.tls().orElseThrow().protocol());
        }
    }

    @Test
    void expiredServerCertificate() {
        assertEquals(TlsException.Kind.EXPIRED, tlsKind(refused(tlsUri("localhost", expired, ""))));
        works(tlsUri("localhost", expired, "sslverify=none"));
    }

    @Test
    void intermediateChainVerifiesAgainstTheRootCa() {
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", chain, ""))) {
            assertEquals("PONG", c.ping());
            assertEquals(2, c.tls().orElseThrow().peerChain().size(), "leaf + intermediate");
        }
    }

    @Test
    void trustSources() {
        RedisServer s = TestServers.redis();
        works("rediss://localhost:" + s.tlsPort() + "?sslrootcert=" + cert("ca-bundle.crt"));
        works("rediss://localhost:" + s.tlsPort() + "?ssltruststore=" + cert("truststore.p12")
                + "&ssltruststorepassword=" + TestCerts.PASSWORD);
        works("rediss://localhost:" + s.tlsPort() + "?ssltruststore=" + cert("truststore.jks")
                + "&ssltruststorepassword=" + TestCerts.PASSWORD);
        assertEquals(TlsException.Kind.UNTRUSTED, tlsKind(refused("rediss://localhost:" + s.tlsPort() + "?sslrootcert=system")));
        assertEquals(TlsException.Kind.UNTRUSTED, tlsKind(refused("rediss://localhost:" + s.tlsPort())),
                "default trust is the JDK's, which does not know our test CA");
    }

    @Test
    void missingCertificateFileIsNamed() {
        RedisConnectionException e = refused(tlsUri("localhost", TestServers.redis(), "").replace(cert("ca.crt"), "/nonexistent/ca.crt"));
        assertTrue(e.getMessage().contains("/nonexistent/ca.crt"), e.getMessage());
        RedisConnectionException key = refused(tlsUri("localhost", TestServers.redisMtls(),
                "sslcert=" + cert("client.crt") + "&sslkey=/nonexistent/client.key"));
        assertTrue(key.getMessage().contains("/nonexistent/client.key"), key.getMessage());
    }

    /** The required-client-certificate server with each key format of the same client certificate. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "sslcert=client.crt&sslkey=client.key",
            "sslcert=client.crt&sslkey=client-pkcs1.key",
            "sslcert=client.crt&sslkey=client-encrypted.key&sslpassword=PASSWORD",
            "sslcert=client.crt&sslkey=client-key.der",
            "sslcert=client.der&sslkey=client.key",
            "sslcert=client-ec.crt&sslkey=client-ec.key",
            "sslkeystore=client.p12&sslkeystorepassword=PASSWORD",
    })
    void mutualTlsWithEachKeyFormat(String params) {
        String resolved = params.replaceAll("=(client[^&]*)", "=" + TestCerts.dir() + "/$1").replace("PASSWORD", TestCerts.PASSWORD);
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redisMtls(), resolved))) {
            assertEquals("PONG", c.ping());
            assertEquals("default", c.command("ACL", "WHOAMI").asString());
        }
    }

    @Test
    void serverRequiringAClientCertificateWithoutOne() {
        RedisConnectionException e = refused(tlsUri("localhost", TestServers.redisMtls(), ""));
        assertTrue(e.getMessage().contains("client certificate"), e.getMessage());
    }

    @Test
    void clientCertificateFromAnotherCaIsRejected() {
        RedisConnectionException e = refused(tlsUri("localhost", TestServers.redisMtls(),
                "sslcert=" + cert("client-other-ca.crt") + "&sslkey=" + cert("client-other-ca.key")));
        assertTrue(e.getMessage().contains("client certificate"), e.getMessage());
    }

    @Test
    void wrongKeyPassword() {
        RedisConnectionException e = refused(tlsUri("localhost", TestServers.redisMtls(),
                "sslcert=" + cert("client.crt") + "&sslkey=" + cert("client-encrypted.key") + "&sslpassword=not-it"));
        assertTrue(e.getMessage().contains("sslpassword"), e.getMessage());
        assertFalse(e.getMessage().contains("not-it"), e.getMessage());
        assertEquals(TlsException.Kind.CONFIG, tlsKind(e));
        RedisConnectionException store = refused(tlsUri("localhost", TestServers.redisMtls(),
                "sslkeystore=" + cert("client.p12") + "&sslkeystorepassword=not-it"));
        assertTrue(store.getMessage().contains("client.p12"), store.getMessage());
        assertFalse(store.getMessage().contains("not-it"), store.getMessage());
        assertEquals(TlsException.Kind.CONFIG, tlsKind(store));
    }

    @Test
    void aclUserOverTls() {
        RedisServer s = TestServers.redis();
        String uri = "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:" + s.tlsPort()
                + "/2?sslrootcert=" + cert("ca.crt") + "&client_name=acl-tls";
        try (RedisConnection c = RedisConnection.connect(uri)) {
            assertEquals(RedisServer.USER, c.command("ACL", "WHOAMI").asString());
            assertEquals("acl-tls", c.clientGetName());
            assertTrue(c.command("CLIENT", "INFO").asString().contains("db=2"));
        }
        try (RedisConnection c = RedisConnection.connect(uri + "&protocol=2")) {
            assertEquals(2, c.protocol());
            assertEquals(RedisServer.USER, c.command("ACL", "WHOAMI").asString());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void wrongPasswordAndUnknownUser(int protocol) {
        RedisServer s = TestServers.redis();
        for (String userInfo : new String[] {RedisServer.USER + ":wrong-pw", "nobody:wrong-pw"}) {
            String uri = "rediss://" + userInfo + "@localhost:" + s.tlsPort() + "?sslrootcert=" + cert("ca.crt")
                    + "&protocol=" + protocol;
            RedisServerException e = assertThrows(RedisServerException.class, () -> RedisConnection.connect(uri));
            assertEquals("WRONGPASS", e.code());
            assertTrue(e.getMessage().startsWith("authentication as user \"" + userInfo.split(":")[0] + "\" failed"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void commandsOverTls(int protocol) {
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "protocol=" + protocol))) {
            assertEquals(protocol, c.protocol());
            String k = "tls:" + UUID.randomUUID();
            RedisPipeline p = c.pipeline();
            for (int i = 0; i < 10_000; i++) {
                p.command("INCR", k);
            }
            assertEquals(10_000, p.execute().get(9_999).asLong());
            assertEquals(10_001, c.multi().command("INCR", k).exec().orElseThrow().get(0).asLong());
            byte[] big = new byte[1 << 20];
            new java.util.Random(1).nextBytes(big);
            c.set(k.getBytes(), big);
            assertArrayEquals(big, c.get(k.getBytes()), "1 MiB value across many TLS records");
        }
    }

    @ParameterizedTest(name = "RESP{0}")
    @ValueSource(ints = {2, 3})
    void pubSubOverTls(int protocol) {
        String uri = tlsUri("localhost", TestServers.redis(), "protocol=" + protocol);
        try (RedisConnection sub = RedisConnection.connect(uri); RedisConnection pub = RedisConnection.connect(uri)) {
            String ch = "tls-ch:" + UUID.randomUUID();
            try (RedisSubscription s = sub.subscribe(ch)) {
                assertEquals(Optional.empty(), s.receive(Duration.ofMillis(150)), "a receive timeout over TLS");
                pub.command("PUBLISH", ch, "over tls");
                assertEquals("over tls", s.receive(Duration.ofSeconds(5)).orElseThrow().text());
                assertEquals(Optional.empty(), s.receive(Duration.ofMillis(100)));
                pub.command("PUBLISH", ch, "again");
                assertEquals("again", s.receive(Duration.ofSeconds(5)).orElseThrow().text());
            }
            assertEquals("PONG", sub.ping());
        }
    }

    @Test
    void blpopTimeoutOverTls() {
        try (RedisConnection c = RedisConnection.connect(tlsUri("localhost", TestServers.redis(), "timeout=200ms"))) {
            assertEquals(Optional.empty(), c.blpop(Duration.ofMillis(500), "tls-bl:" + UUID.randomUUID()));
            assertEquals("PONG", c.ping());
        }
    }

    @Test
    void redissToAPlaintextPortFailsFast() {
        // redis-server reads a TLS ClientHello as an inline command that never ends (it holds a NUL
        // byte before any LF) and stays silent: the handshake is bounded by connect_timeout, not by timeout
        long t0 = System.nanoTime();
        RedisConnectionException e = refused("rediss://localhost:" + TestServers.redis().plainPort() + "?sslrootcert="
                + cert("ca.crt") + "&connect_timeout=1500ms&timeout=60");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3000, "fails within connect_timeout, took " + ms + " ms");
        assertEquals(TlsException.Kind.TIMEOUT, tlsKind(e));
        assertTrue(e.getMessage().contains("plaintext port? then use redis://"), e.getMessage());
    }

    @Test
    void redisToATlsPortFailsFast() {
        RedisServer s = TestServers.redis();
        long t0 = System.nanoTime();
        RedisConnectionException e = refused("redis://localhost:" + s.tlsPort() + "?timeout=60");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "fails fast");
        assertTrue(e.getMessage().contains("is port " + s.tlsPort() + " a TLS port? use rediss://"), e.getMessage());
    }

    @Test
    void builderWithTlsConfig() {
        RedisServer s = TestServers.redisMtls();
        RedisConfig config = RedisConfig.builder().host("localhost").port(s.tlsPort())
                .tls(TlsConfig.builder().verification(TlsVerification.FULL).trustPemFile(TestCerts.file("ca.crt"))
                        .clientKeyStore(TestCerts.file("client.p12"), TestCerts.password()).build())
                .user(RedisServer.USER).password(RedisServer.PASSWORD).build();
        try (RedisConnection c = RedisConnection.connect(config)) {
            assertEquals(RedisServer.USER, c.command("ACL", "WHOAMI").asString());
        }
    }

    @Test
    void manyVirtualThreadsEachWithItsOwnTlsConnection() throws Exception {
        String uri = tlsUri("localhost", TestServers.redis(), "");
        String k = "vt:" + UUID.randomUUID();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < 32; t++) {
                futures.add(executor.submit(() -> {
                    try (RedisConnection c = RedisConnection.connect(uri)) {
                        for (int i = 0; i < 50; i++) {
                            c.incr(k);
                        }
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        try (RedisConnection c = RedisConnection.connect(uri)) {
            assertEquals("1600", c.get(k));
        }
    }
}
