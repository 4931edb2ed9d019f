package dev.loomwire.concurrency;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgException;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A loopback "server" that answers the client's first bytes with random bytes and hangs up: the
 * drivers' whole receive path (socket buffer, framing, length checks, message decoding, connection
 * setup) must end in the driver's own exception within the connect timeout, whatever arrives.
 */
class HostileServerPropertiesTest {
    private static final AtomicReference<byte[]> ANSWER = new AtomicReference<>(new byte[0]);
    private static ServerSocket server;

    @BeforeContainer
    static void startServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("hostile-server").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> answer(s, ANSWER.get()));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterContainer
    static void stopServer() throws IOException {
        server.close();
    }

    private static void answer(Socket s, byte[] bytes) {
        try (s) {
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            try {
                in.read(new byte[4096]); // the client's first request (PG startup, Redis HELLO)
            } catch (SocketTimeoutException ignored) {
                // answer anyway
            }
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            s.shutdownOutput();
            s.setSoTimeout(2000);
            while (in.read(new byte[4096]) >= 0) {
                // let the client finish and close first
            }
        } catch (IOException ignored) {
            // the client hung up: fine
        }
    }

    @Property(tries = 300)
    void pgConnectRefusesGarbageWithPgException(@ForAll @Size(max = 200) byte[] answer, @ForAll boolean plausibleStart) {
        byte[] bytes = plausibleStart ? prefix(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0}, answer) : answer;
        ANSWER.set(bytes);
        PgConfig config = PgConfig.builder().environment(Map.of("HOME", "/nonexistent-home", "USER", "nobody"))
                .conninfo("host=127.0.0.1 port=" + server.getLocalPort() + " user=u password=secret-pw dbname=d sslmode=disable connect_timeout=3")
                .build();
        long t0 = System.nanoTime();
        try (PgConnection c = PgConnection.connect(config)) {
            assertNotNull(c);
        } catch (PgException expected) {
            assertFalse(String.valueOf(expected.getMessage()).contains("secret-pw"), expected.getMessage());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5_000, "took longer than connect_timeout");
    }

    @Property(tries = 300)
    void redisConnectRefusesGarbageWithRedisException(@ForAll @Size(max = 200) byte[] answer, @ForAll boolean plausibleStart) {
        byte[] bytes = plausibleStart ? prefix("%1\r\n+server\r\n+redis\r\n".getBytes(), answer) : answer;
        ANSWER.set(bytes);
        RedisConfig config = RedisConfig.builder().host("127.0.0.1").port(server.getLocalPort()).password("secret-pw")
                .timeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(3)).build();
        long t0 = System.nanoTime();
        try (RedisConnection c = RedisConnection.connect(config)) {
            c.ping();
        } catch (RedisException expected) {
            assertFalse(String.valueOf(expected.getMessage()).contains("secret-pw"), expected.getMessage());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5_000, "took longer than the timeouts");
    }

    private static byte[] prefix(byte[] head, byte[] tail) {
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
