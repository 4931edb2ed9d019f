package dev.loomwire.pg;

import dev.loomwire.internal.ProbeAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code probe} and the driver share one connection pipeline: {@link Connector#probe} runs the
 * driver's own attempt, stopping before a password is sent, so a listener sees the same phases for
 * both and a malicious server is refused by both in the same words.
 */
class ConnectorProbeTest {
    /** Records "PHASE ok|failed", what the client sent and the messages it received. */
    private static final class Recorder implements ConnectListener<BackendMessage> {
        final List<String> phases = new CopyOnWriteArrayList<>();
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<BackendMessage> received = new CopyOnWriteArrayList<>();

        @Override
        public void phaseSucceeded(ConnectPhase phase, String target, Duration took, String detail) {
            phases.add(phase + " ok");
        }

        @Override
        public void phaseFailed(ConnectPhase phase, String target, Duration took, Exception failure) {
            phases.add(phase + " failed");
        }

        @Override
        public void sent(String description) {
            sent.add(description);
        }

        @Override
        public void received(BackendMessage message) {
            received.add(message);
        }
    }

    private static ProbeAccess.PgAttempt probe(PgConfig cfg, Recorder recorder) throws IOException {
        return Connector.probe(cfg.forHost(cfg.hosts().get(0)), Connector.tlsConfigFor(cfg),
                InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(20), recorder);
    }

    @Test
    void probeAndDriverGoThroughTheSamePhasesAndTheProbeStopsBeforeThePassword() throws IOException {
        PgServer server = TestServers.pg18();
        PgConfig cfg = PgTests.config(PgTests.conninfo(server, ""));
        Recorder driver = new Recorder();
        try (PgConnection c = PgConnection.connect(cfg, driver)) {
            assertEquals(1, c.query("SELECT 1").rows().size());
        }
        Recorder probe = new Recorder();
        ProbeAccess.PgAttempt result = probe(cfg, probe);

        assertEquals(List.of("DNS ok", "TCP ok", "SSL_REQUEST ok", "TLS ok", "AUTH ok", "READY ok"), driver.phases);
        assertEquals(driver.phases.subList(1, 5), probe.phases,
                "the probe takes the address it is given (no DNS) and hands out no connection (no READY)");
        assertTrue(result.failure().isEmpty(), result.toString());
        assertTrue(result.tls().isPresent(), "the probe keeps the TLS session to judge its chain");
        assertInstanceOf(BackendMessage.AuthenticationSASL.class, probe.received.getLast(),
                "the probe stops at the server's first authentication request");
        assertEquals(2, probe.sent.size(), probe.sent.toString());
        assertTrue(probe.sent.get(0).startsWith("StartupMessage"), probe.sent.toString());
        assertTrue(probe.sent.get(1).contains("Terminate"), probe.sent.toString());
        assertTrue(driver.sent.stream().anyMatch(s -> s.contains("PasswordMessage/SASLResponse")),
                "the driver, by contrast, answers the SASL exchange: " + driver.sent);
    }

    @Test
    void underTrustTheProbeReadsTheServersStatusUpToReadyForQuery() throws IOException {
        PgServer server = TestServers.pg18();
        PgConfig cfg = PgTests.config("host=127.0.0.1 port=" + server.port() + " user=" + PgServer.USER
                + " dbname=trustdb sslmode=require");
        Recorder probe = new Recorder();
        ProbeAccess.PgAttempt result = probe(cfg, probe);
        assertTrue(result.failure().isEmpty(), result.toString());
        assertTrue(probe.received.stream().anyMatch(m -> m instanceof BackendMessage.ParameterStatus p
                && p.name().equals("in_hot_standby")), probe.received.toString());
        assertInstanceOf(BackendMessage.ReadyForQuery.class, probe.received.getLast());
    }

    @Test
    void plaintextInjectedAfterTheSslResponseIsRefusedByProbeAndDriverAlike() throws Exception {
        byte[] reply = "SE\0\0\0\u0010SFATAL\0Mgotcha\0\0".getBytes(StandardCharsets.ISO_8859_1);
        try (ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket s = fake.accept()) {
                        new DataInputStream(s.getInputStream()).readFully(new byte[8]);
                        s.getOutputStream().write(reply);
                        s.getOutputStream().flush();
                        while (s.getInputStream().read() >= 0) {
                            // until the client closes
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                }
            });
            PgConfig cfg = PgTests.config("host=127.0.0.1 port=" + fake.getLocalPort() + " user=u dbname=d sslmode=require");
            PgConnectionException driver = assertThrows(PgConnectionException.class, () -> PgConnection.connect(cfg));
            Recorder probe = new Recorder();
            ProbeAccess.PgAttempt result = probe(cfg, probe);
            serving.join(10_000);

            assertTrue(driver.getMessage().contains("CVE-2021-23222"), driver.getMessage());
            assertFalse(driver.getMessage().contains("gotcha"), driver.getMessage());
            PgException refused = result.failure().orElseThrow();
            assertEquals(driver.getClass(), refused.getClass());
            assertEquals(driver.getMessage(), refused.getMessage());
            assertEquals(List.of("TCP ok", "SSL_REQUEST failed"), probe.phases);
            assertTrue(result.tls().isEmpty());
        }
    }
}
