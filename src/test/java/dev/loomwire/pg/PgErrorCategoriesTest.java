package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.error.Driver;
import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The exception model against the real PostgreSQL 18: each kind of failure lands in its
 * {@link ErrorCategory}, with the details a caller acts on (connect phase, TLS kind, timeout kind,
 * SQLSTATE), and never a password in the message.
 */
class PgErrorCategoriesTest {
    private static final PgServer SERVER = TestServers.pg18();

    private static <E extends LoomwireException> E noSecret(E e) {
        assertFalse(e.getMessage().contains(PgServer.PASSWORD), "no password in: " + e.getMessage());
        assertEquals(Driver.POSTGRESQL, e.driver());
        return e;
    }

    @Test
    void aBadConnectionStringIsConfigurationNamingTheParameter() {
        PgConfigException e = noSecret(assertThrows(PgConfigException.class,
                () -> PgTests.config("host=x password=" + PgServer.PASSWORD + " sslmode=bogus")));
        assertEquals(ErrorCategory.CONFIGURATION, e.category());
        assertTrue(e.getMessage().contains("sslmode"), e.getMessage());
        assertFalse(e.safeToRetry());
    }

    @Test
    void aMissingRootCertificateFileIsConfigurationThoughItIsAConnectionException() {
        PgConnectionException e = noSecret(assertThrows(PgConnectionException.class,
                () -> PgTests.connect(SERVER, "sslrootcert=/nonexistent/ca.crt").close()));
        assertEquals(ErrorCategory.CONFIGURATION, e.category());
        assertTrue(e.getMessage().contains("/nonexistent/ca.crt"), e.getMessage());
        assertFalse(e.safeToRetry());
    }

    @Test
    void aRefusedPortIsConnectInTheTcpPhaseAndSafeToRetry() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        PgConnectionException e = noSecret(assertThrows(PgConnectionException.class, () -> PgConnection.connect(
                PgTests.config(PgTests.conninfo(SERVER, "port=" + closedPort))).close()));
        assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
        assertEquals(ConnectPhase.TCP, e.connectPhase().orElseThrow());
        assertTrue(e.tlsFailure().isEmpty());
        assertTrue(e.safeToRetry());
    }

    @Test
    void aServerWithoutSslUnderSslmodeRequireIsConnectInTheSslRequestPhaseWithTheHost() throws Exception {
        // byte-level: the harness's PostgreSQL servers all have ssl=on, so a scripted server answers 'N'
        try (FakePgServer plain = new FakePgServer(c -> {
            c.readStartupPacket();
            c.raw((byte) 'N');
        })) {
            PgConnectionException e = noSecret(assertThrows(PgConnectionException.class,
                    () -> PgConnection.connect(plain.conninfo("sslmode=require")).close()));
            assertTrue(e.getMessage().startsWith("server does not support SSL"), e.getMessage());
            assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
            assertEquals(ConnectPhase.SSL_REQUEST, e.connectPhase().orElseThrow());
            assertEquals("127.0.0.1:" + plain.port(), e.host().orElseThrow());
            assertTrue(e.safeToRetry());
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsAConnectTimeoutAndSafeToRetry() throws IOException {
        // the kernel completes the TCP handshake into the backlog; nobody ever reads or writes
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            PgTimeoutException e = noSecret(assertThrows(PgTimeoutException.class, () -> PgConnection.connect(
                    PgTests.config(PgTests.conninfo(SERVER, "port=" + silent.getLocalPort() + " connect_timeout=2"))).close()));
            assertEquals(ErrorCategory.TIMEOUT, e.category(), e.getMessage());
            assertEquals(TimeoutKind.CONNECT, e.timeoutKind().orElseThrow());
            assertTrue(e.safeToRetry());
            assertTrue(e.getMessage().contains("connect_timeout"), e.getMessage());
        }
    }

    @Test
    void aRequireAuthRefusalIsConfiguration() {
        PgConnectionException e = noSecret(assertThrows(PgConnectionException.class,
                () -> PgTests.connect(SERVER, "require_auth=md5").close()));
        assertEquals(ErrorCategory.CONFIGURATION, e.category(), e.getMessage());
        assertTrue(e.getMessage().contains("require_auth") || e.getMessage().contains("authentication method requirement"),
                e.getMessage());
        assertFalse(e.safeToRetry());
    }

    @Test
    void aCertificateFromAnUntrustedCaIsConnectInTheTlsPhaseWithItsTlsKind() {
        PgConnectionException e = noSecret(assertThrows(PgConnectionException.class,
                () -> PgTests.connect(SERVER, "sslrootcert=" + PgTests.cert("other-ca.crt")).close()));
        assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
        assertEquals(ConnectPhase.TLS, e.connectPhase().orElseThrow());
        assertEquals(TlsException.Kind.UNTRUSTED, e.tlsFailure().orElseThrow());
        assertTrue(e.safeToRetry());
    }

    @Test
    void aUniqueViolationIsAServerErrorOfTheIntegritySubclass() {
        try (PgConnection c = PgTests.connect(SERVER, "")) {
            c.execute("CREATE TEMP TABLE t_unique (id int PRIMARY KEY)");
            c.execute("INSERT INTO t_unique VALUES (1)");
            PgIntegrityConstraintException e = noSecret(assertThrows(PgIntegrityConstraintException.class,
                    () -> c.execute("INSERT INTO t_unique VALUES (1)")));
            assertEquals(ErrorCategory.SERVER, e.category());
            assertEquals("23505", e.sqlState());
            assertEquals("t_unique_pkey", e.constraint().orElseThrow());
            assertFalse(e.terminatesSession());
            assertEquals(1, c.query("SELECT 1").single().getInt(0), "the connection stays usable");
        }
    }

    @Test
    void aStatementTimeoutIsTimeoutOfACommandAndTheConnectionStaysUsable() {
        try (PgConnection c = PgTests.connect(SERVER, "")) {
            c.execute("SET statement_timeout = '50ms'");
            PgQueryCanceledException e = assertThrows(PgQueryCanceledException.class,
                    () -> c.query("SELECT pg_sleep(30)"));
            assertEquals(ErrorCategory.TIMEOUT, e.category());
            assertEquals(TimeoutKind.COMMAND, e.timeoutKind().orElseThrow());
            assertEquals("57014", e.sqlState());
            assertFalse(e.safeToRetry());
            c.execute("SET statement_timeout = 0");
            assertEquals(1, c.query("SELECT 1").single().getInt(0));
        }
    }

    @Test
    void aValueThatDoesNotConvertIsAClientError() {
        try (PgConnection c = PgTests.connect(SERVER, "")) {
            PgException e = assertThrows(PgException.class, () -> c.query("SELECT 'x'::text AS t").single().getInt("t"));
            assertEquals(ErrorCategory.CLIENT, e.category());
            assertEquals(1, c.query("SELECT 1").single().getInt(0), "the connection stays usable");
        }
    }

    /**
     * pg_terminate_backend makes the server send FATAL 57P01 and close the session. Decision: that
     * is a SERVER error (the server said why) which {@link PgServerException#terminatesSession()}
     * marks as fatal; when the socket closes before the error is read it is BROKEN. Either way the
     * connection is closed.
     */
    @Test
    void aBackendTerminatedMidQueryIsAFatalServerErrorOrBrokenAndTheConnectionIsClosed() throws Exception {
        try (PgConnection victim = PgTests.connect(SERVER, ""); PgConnection admin = PgTests.connect(SERVER, "")) {
            int pid = victim.processId();
            CountDownLatch terminated = new CountDownLatch(1);
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    while (admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'"
                            + " AND query LIKE 'SELECT pg_sleep%'", pid).rows().isEmpty()) {
                        Thread.sleep(20);
                    }
                    admin.query("SELECT pg_terminate_backend($1)", pid);
                    terminated.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            PgException e = noSecret(assertThrows(PgException.class, () -> victim.query("SELECT pg_sleep(60)")));
            assertTrue(terminated.await(60, TimeUnit.SECONDS), "the killer ran");
            killer.join();
            if (e instanceof PgServerException s) {
                assertEquals(ErrorCategory.SERVER, s.category());
                assertEquals("57P01", s.sqlState());
                assertTrue(s.terminatesSession());
            } else {
                assertEquals(ErrorCategory.BROKEN, e.category(), e.toString());
                assertFalse(e.safeToRetry());
            }
            assertTrue(victim.isClosed(), "a terminated session closes the connection");
        }
    }

    @Test
    void aPoolAcquireTimeoutIsTimeoutOfThePool() throws Exception {
        PoolSettings settings = PoolSettings.builder().maxSize(1).acquireTimeout(Duration.ofMillis(100)).build();
        try (PgPool pool = PgPool.create(PgTests.config(PgTests.conninfo(SERVER, "")), settings, Duration.ZERO)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> pool.withConnection(c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            try {
                assertTrue(holding.await(60, TimeUnit.SECONDS), "the only connection is lent");
                PoolTimeoutException e = assertThrows(PoolTimeoutException.class, () -> pool.query("SELECT 1"));
                assertEquals(ErrorCategory.TIMEOUT, e.category());
                assertEquals(TimeoutKind.POOL_ACQUIRE, e.timeoutKind().orElseThrow());
                assertEquals(Driver.NONE, e.driver());
                assertTrue(e.safeToRetry(), "nothing was sent");
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }

    @Test
    void aPoolThatCannotOpenAConnectionSurfacesTheDriversConnectFailure() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (PgPool pool = PgPool.create(PgTests.config(PgTests.conninfo(SERVER, "port=" + closedPort)),
                PoolSettings.builder().maxSize(1).build(), Duration.ZERO)) {
            PgConnectionException e = noSecret(assertThrows(PgConnectionException.class, () -> pool.query("SELECT 1")));
            assertEquals(ErrorCategory.CONNECT, e.category(), e.getMessage());
            assertEquals(ConnectPhase.TCP, e.connectPhase().orElseThrow());
        }
    }
}
