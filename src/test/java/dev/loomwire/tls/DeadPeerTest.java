package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgConnectionException;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * libpq's keepalives, keepalives_idle, keepalives_interval, keepalives_count and tcp_user_timeout
 * reach the socket for both drivers: the kernel's keepalive timer runs with the idle time asked
 * for (seen with {@code ss}), and a peer that stops taking data ends a blocked write after
 * tcp_user_timeout instead of hanging it forever.
 */
class DeadPeerTest {
    private static final int BIG = 64 << 20; // more than the socket buffers on both sides of loopback hold

    @Test
    void redisWriteToAPeerThatStoppedReadingFailsAfterTcpUserTimeout() throws Exception {
        RedisServer redis = TestServers.redis();
        try (SilentProxy proxy = new SilentProxy(redis.tlsPort());
             RedisConnection c = RedisConnection.connect("rediss://localhost:" + proxy.port() + "?sslrootcert="
                     + TestCerts.file("ca.crt") + "&tcp_user_timeout=1000&timeout=120&connect_timeout=20")) {
            assertEquals("PONG", c.ping());
            byte[] value = new byte[BIG];
            writeToFrozenPeerFails(proxy, RedisConnectionException.class,
                    () -> c.set("loomwire:dead-peer".getBytes(StandardCharsets.UTF_8), value));
        }
    }

    @Test
    void postgresWriteToAPeerThatStoppedReadingFailsAfterTcpUserTimeout() throws Exception {
        PgServer pg = TestServers.pg18();
        try (SilentProxy proxy = new SilentProxy(pg.port());
             PgConnection c = PgConnection.connect(pgConfig(proxy.port(), "tcp_user_timeout=1000"))) {
            assertEquals(1, c.query("SELECT 1").single().getInt(0));
            String big = "x".repeat(BIG);
            writeToFrozenPeerFails(proxy, PgConnectionException.class, () -> c.query("SELECT length($1)", big));
        }
    }

    /** Freezes the peer, then a large write must fail after tcp_user_timeout=1000, not hang. */
    private static void writeToFrozenPeerFails(SilentProxy proxy, Class<? extends RuntimeException> type, Executable write) {
        proxy.freeze();
        long t0 = System.nanoTime();
        RuntimeException e = assertThrows(type, write);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("tcp_user_timeout=1000 ms"), e.getMessage());
        assertTrue(ms < 30_000, "took " + ms + " ms");
    }

    @Test
    void keepaliveSettingsReachTheKernelForBothDrivers() throws Exception {
        PgServer pg = TestServers.pg15();
        try (SilentProxy proxy = new SilentProxy(pg.port());
             PgConnection c = PgConnection.connect(pgConfig(proxy.port(),
                     "keepalives_idle=7 keepalives_interval=2 keepalives_count=3"))) {
            c.query("SELECT 1");
            assertKeepaliveWithin(proxy.port(), 7);
        }
        try (SilentProxy proxy = new SilentProxy(pg.port());
             PgConnection c = PgConnection.connect(pgConfig(proxy.port(), "keepalives=0"))) {
            c.query("SELECT 1");
            assertFalse(ss(proxy.port()).contains("keepalive"), ss(proxy.port()));
        }
        RedisServer redis = TestServers.redis();
        try (SilentProxy proxy = new SilentProxy(redis.tlsPort());
             RedisConnection c = RedisConnection.connect("rediss://localhost:" + proxy.port() + "?sslrootcert="
                     + TestCerts.file("ca.crt") + "&keepalives_idle=9&keepalives_interval=2&keepalives_count=3&connect_timeout=20")) {
            c.ping();
            assertKeepaliveWithin(proxy.port(), 9);
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RedisConnection.connect("rediss://localhost:1?keepalives_idle=soon"));
        assertTrue(bad.getMessage().contains("\"keepalives_idle\""), bad.getMessage());
    }

    private static void assertKeepaliveWithin(int port, int idleSeconds) throws Exception {
        String line = ss(port);
        Matcher m = Pattern.compile("timer:\\(keepalive,([0-9.]+)(ms|sec)").matcher(line);
        assertTrue(m.find(), "no keepalive timer: " + line);
        double seconds = Double.parseDouble(m.group(1)) / (m.group(2).equals("ms") ? 1000 : 1);
        assertTrue(seconds <= idleSeconds && seconds > 0, "keepalive timer " + seconds + " s, expected at most " + idleSeconds + ": " + line);
    }

    /** ss's line for our established connection to the proxy port. */
    private static String ss(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnoH", "state", "established", "( dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "ss (iproute2) failed: " + out);
        return out.strip();
    }

    private static PgConfig pgConfig(int port, String extra) {
        return PgConfig.builder().environment(Map.of("HOME", TestCerts.dir().toString()))
                .conninfo("host=localhost hostaddr=127.0.0.1 port=" + port + " user=" + PgServer.USER + " password="
                        + PgServer.PASSWORD + " dbname=loomwire connect_timeout=20 sslmode=verify-full sslrootcert="
                        + TestCerts.file("ca.crt") + " " + extra)
                .build();
    }

    /**
     * A loopback proxy that forwards both ways until {@link #freeze()}, then stops reading from
     * either side: to the client the server looks alive (the kernel still acknowledges what fits
     * into the small receive buffer) but takes no more data.
     */
    private static final class SilentProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final int upstream;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean frozen;

        SilentProxy(int upstream) throws IOException {
            this.upstream = upstream;
            listener = new ServerSocket();
            listener.setReceiveBufferSize(4096);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        void freeze() {
            frozen = true;
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream);
                    sockets.add(client);
                    sockets.add(server);
                    Thread.ofVirtual().start(() -> pump(client, server));
                    Thread.ofVirtual().start(() -> pump(server, client));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[4096];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; !frozen && (n = in.read(buf)) >= 0; ) {
                    if (frozen) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
                while (frozen && !listener.isClosed()) {
                    Thread.sleep(Duration.ofMillis(50));
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
