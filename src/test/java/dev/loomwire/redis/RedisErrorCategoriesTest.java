package dev.loomwire.redis;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exception model against the real Redis 7: error replies become the typed subclasses of
 * {@link RedisServerException} (category SERVER, connection usable), connect failures are CONNECT
 * with their phase and TLS kind, a reply that does not come in time is a TIMEOUT.
 */
class RedisErrorCategoriesTest {
    private static final RedisServer SERVER = TestServers.redis();
    /** A replica of a primary that does not exist: every write is refused with READONLY. */
    private static RedisServer replica;

    @BeforeAll
    static void startReplica() throws IOException {
        replica = TestServers.startRedis(RedisServer.Options.defaults()
                .withConfig("replicaof 127.0.0.1 " + closedPort()));
    }

    @AfterAll
    static void stopReplica() throws Exception {
        if (replica != null) {
            replica.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String uri(RedisServer s, String params) {
        return RedisTlsTest.tlsUri(s.host(), s, params);
    }

    private static <E extends LoomwireException> E noSecret(E e) {
        assertFalse(e.getMessage().contains(RedisServer.PASSWORD), "no password in: " + e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), "no password in: " + e.getMessage());
        assertEquals(Driver.REDIS, e.driver());
        return e;
    }

    @Test
    void aWrongPasswordIsAServerErrorWithTheWrongPassSubclass() {
        try (RedisConnection c = RedisConnection.connect(uri(SERVER, ""))) {
            RedisWrongPassException e = noSecret(assertThrows(RedisWrongPassException.class,
                    () -> c.command("AUTH", RedisServer.USER, "not-the-password")));
            assertEquals(ErrorCategory.SERVER, e.category());
            assertEquals("WRONGPASS", e.code());
            assertEquals("PONG", c.ping(), "the connection stays usable");
        }
    }

    @Test
    void aWrongPasswordWhileConnectingIsTheWrongPassSubclass() {
        String bad = "rediss://" + RedisServer.USER + ":not-the-password@" + SERVER.host() + ":" + SERVER.tlsPort()
                + "?sslrootcert=" + TestCerts.file("ca.crt");
        RedisWrongPassException e = noSecret(assertThrows(RedisWrongPassException.class, () -> {
            try (RedisConnection c = RedisConnection.connect(bad)) {
                c.ping();
            }
        }));
        assertEquals(ErrorCategory.SERVER, e.category());
        assertEquals("WRONGPASS", e.code());
    }

    @Test
    void anUnknownScriptIsTheNoScriptSubclass() {
        try (RedisConnection c = RedisConnection.connect(uri(SERVER, ""))) {
            RedisNoScriptException e = assertThrows(RedisNoScriptException.class,
                    () -> c.evalsha("0123456789abcdef0123456789abcdef01234567", List.of(), List.of()));
            assertEquals(ErrorCategory.SERVER, e.category());
            assertEquals("NOSCRIPT", e.code());
            assertEquals("PONG", c.ping());
        }
    }

    @Test
    void aWriteToAReplicaIsTheReadOnlySubclass() {
        try (RedisConnection c = RedisConnection.connect(uri(replica, ""))) {
            RedisReadOnlyException e = assertThrows(RedisReadOnlyException.class, () -> c.set("k", "v"));
            assertEquals(ErrorCategory.SERVER, e.category());
            assertEquals("READONLY", e.code());
            assertNull(c.get("k"), "reads still work on the replica");
        }
    }

    @Test
    void aRefusedPortIsConnectInTheTcpPhase() throws IOException {
        String refused = "rediss://127.0.0.1:" + closedPort() + "?sslrootcert=" + TestCerts.file("ca.crt");
        RedisConnectionException e = noSecret(assertThrows(RedisConnectionException.class, () -> {
            try (RedisConnection c = RedisConnection.connect(refused)) {
                c.ping();
            }
        }));
        assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
        assertEquals(ConnectPhase.TCP, e.connectPhase().orElseThrow());
        assertTrue(e.safeToRetry());
    }

    @Test
    void aWrongPasswordUnderResp2IsTheWrongPassSubclassToo() {
        String bad = "rediss://" + RedisServer.USER + ":not-the-password@" + SERVER.host() + ":" + SERVER.tlsPort()
                + "?protocol=2&sslrootcert=" + TestCerts.file("ca.crt");
        RedisWrongPassException e = noSecret(assertThrows(RedisWrongPassException.class,
                () -> RedisConnection.connect(bad).close()));
        assertEquals(ErrorCategory.SERVER, e.category());
        assertFalse(e.safeToRetry());
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsAConnectTimeoutAndSafeToRetry() throws IOException {
        // the kernel completes the TCP handshake into the backlog; the TLS handshake never gets an answer
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String uri = "rediss://127.0.0.1:" + silent.getLocalPort() + "?connect_timeout=1s&sslrootcert="
                    + TestCerts.file("ca.crt");
            RedisTimeoutException e = noSecret(assertThrows(RedisTimeoutException.class,
                    () -> RedisConnection.connect(uri).close()));
            assertEquals(ErrorCategory.TIMEOUT, e.category(), e.getMessage());
            assertEquals(TimeoutKind.CONNECT, e.timeoutKind().orElseThrow());
            assertTrue(e.safeToRetry());
        }
    }

    @Test
    void aRefusedPortCarriesTheHostItTried() throws IOException {
        int port = closedPort();
        RedisConnectionException e = noSecret(assertThrows(RedisConnectionException.class,
                () -> RedisConnection.connect("redis://127.0.0.1:" + port).close()));
        assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
        assertEquals("127.0.0.1:" + port, e.host().orElseThrow());
    }

    @Test
    void anUntrustedCertificateIsConnectInTheTlsPhaseWithItsKind() {
        String untrusted = "rediss://" + SERVER.host() + ":" + SERVER.tlsPort() + "?sslrootcert="
                + TestCerts.file("other-ca.crt");
        RedisConnectionException e = noSecret(RedisTlsTest.refused(untrusted));
        assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
        assertEquals(ConnectPhase.TLS, e.connectPhase().orElseThrow());
        assertEquals(TlsException.Kind.UNTRUSTED, e.tlsFailure().orElseThrow());
    }

    @Test
    void aReplyThatDoesNotComeInTimeIsACommandTimeoutAndClosesTheConnection() {
        try (RedisConnection pauser = RedisConnection.connect(uri(replica, ""));
             RedisConnection c = RedisConnection.connect(uri(replica, "timeout=200ms"))) {
            assertEquals("PONG", c.ping());
            pauser.command("CLIENT", "PAUSE", "3000", "ALL");
            RedisTimeoutException e = assertThrows(RedisTimeoutException.class, c::ping);
            assertEquals(ErrorCategory.TIMEOUT, e.category());
            assertEquals(TimeoutKind.COMMAND, e.timeoutKind().orElseThrow());
            assertFalse(e.safeToRetry(), "the command may have run");
            RedisConnectionException after = assertThrows(RedisConnectionException.class, c::ping);
            assertEquals(ErrorCategory.BROKEN, after.category(), "a timed-out connection is closed");
        }
    }
}
